import { returnedRows, type AuthTables, type Db } from './db';

export interface RefreshTokenRow {
  id: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
  familyExpiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export class RefreshTokenRepository {
  constructor(
    private readonly db: Db,
    private readonly t: AuthTables,
  ) {}

  async insert(token: { id: string; familyId: string; parentId: string | null; userId: string; tokenHash: string; expiresAt: Date; familyExpiresAt: Date }): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.t.refresh_tokens} (id, family_id, parent_id, user_id, token_hash, expires_at, family_expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [token.id, token.familyId, token.parentId, token.userId, token.tokenHash, token.expiresAt, token.familyExpiresAt],
    );
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    const rows: { id: string; family_id: string; user_id: string; expires_at: Date; family_expires_at: Date; used_at: Date | null; revoked_at: Date | null }[] = await this.db.query(
      `SELECT id, family_id, user_id, expires_at, family_expires_at, used_at, revoked_at FROM ${this.t.refresh_tokens} WHERE token_hash = $1`,
      [tokenHash],
    );
    const row = rows[0];
    return row && { id: row.id, familyId: row.family_id, userId: row.user_id, expiresAt: row.expires_at, familyExpiresAt: row.family_expires_at, usedAt: row.used_at, revokedAt: row.revoked_at };
  }

  /** Spends a token; false when someone else spent (or revoked) it first. */
  async markUsed(id: string): Promise<boolean> {
    const rows = await this.db.query(`UPDATE ${this.t.refresh_tokens} SET used_at = now() WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL RETURNING id`, [id]);
    return returnedRows(rows).length > 0;
  }

  async revokeFamily(familyId: string, reason: string): Promise<number> {
    const rows = await this.db.query(`UPDATE ${this.t.refresh_tokens} SET revoked_at = now(), revoked_reason = $2 WHERE family_id = $1 AND revoked_at IS NULL RETURNING id`, [familyId, reason]);
    return returnedRows(rows).length;
  }

  async revokeAllOfUser(userId: string, reason: string): Promise<number> {
    const rows = await this.db.query(`UPDATE ${this.t.refresh_tokens} SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`, [userId, reason]);
    return returnedRows(rows).length;
  }
}
