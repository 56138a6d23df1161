import type { Role, UserRecord } from '../auth.model';
import { returnedRows, type AuthTables, type Db } from './db';

interface UserRow {
  id: string;
  email: string;
  role: Role;
  store_id: string | null;
  region_id: string | null;
  password_hash: string;
  created_at: Date;
  deleted_at: Date | null;
  tokens_valid_after: Date;
}

const COLUMNS = 'id, email, role, store_id, region_id, password_hash, created_at, deleted_at, tokens_valid_after';

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    storeId: row.store_id,
    regionId: row.region_id,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    deletedAt: row.deleted_at,
    tokensValidAfter: row.tokens_valid_after,
  };
}

export class UserRepository {
  constructor(
    private readonly db: Db,
    private readonly t: AuthTables,
  ) {}

  async insert(user: { id: string; email: string; role: Role; storeId: string | null; regionId: string | null; passwordHash: string }): Promise<UserRecord> {
    const rows: UserRow[] = await this.db.query(
      `INSERT INTO ${this.t.users} (id, email, role, store_id, region_id, password_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [user.id, user.email, user.role, user.storeId, user.regionId, user.passwordHash],
    );
    return toUser(rows[0]);
  }

  async findLiveByEmail(email: string): Promise<UserRecord | undefined> {
    const rows: UserRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${this.t.users} WHERE lower(email) = lower($1) AND deleted_at IS NULL`, [email]);
    return rows[0] && toUser(rows[0]);
  }

  async findLive(id: string): Promise<UserRecord | undefined> {
    const rows: UserRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${this.t.users} WHERE id = $1 AND deleted_at IS NULL`, [id]);
    return rows[0] && toUser(rows[0]);
  }

  async listLive(): Promise<UserRecord[]> {
    const rows: UserRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${this.t.users} WHERE deleted_at IS NULL ORDER BY created_at, email`);
    return rows.map(toUser);
  }

  async countLiveAdmins(): Promise<number> {
    const rows: { n: number }[] = await this.db.query(`SELECT count(*)::int AS n FROM ${this.t.users} WHERE role = 'admin' AND deleted_at IS NULL`);
    return rows[0].n;
  }

  /** Soft delete: the row stays for the audit trail and for refresh tokens' foreign keys. */
  async markDeleted(id: string): Promise<boolean> {
    const rows = await this.db.query(`UPDATE ${this.t.users} SET deleted_at = now(), tokens_valid_after = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id`, [id]);
    return returnedRows(rows).length > 0;
  }

  async updatePassword(id: string, passwordHash: string, options: { revokeTokens: boolean }): Promise<void> {
    await this.db.query(
      `UPDATE ${this.t.users} SET password_hash = $2 ${options.revokeTokens ? ', tokens_valid_after = now()' : ''} WHERE id = $1`,
      [id, passwordHash],
    );
  }
}
