import type { ApiKeyRecord, ApiKeyScope } from '../auth.model';
import { returnedRows, type AuthTables, type Db } from './db';

interface ApiKeyRow {
  id: string;
  store_id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, store_id, name, prefix, scopes, created_by, created_at, last_used_at, revoked_at';

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    storeId: row.store_id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** API keys are stored as SHA-256 of the key (256 random bits, so no slow hash is needed). */
export class ApiKeyRepository {
  constructor(
    private readonly db: Db,
    private readonly t: AuthTables,
  ) {}

  async insert(key: { id: string; storeId: string; name: string; prefix: string; keyHash: string; scopes: ApiKeyScope[]; createdBy: string | null }): Promise<ApiKeyRecord> {
    const rows: ApiKeyRow[] = await this.db.query(
      `INSERT INTO ${this.t.api_keys} (id, store_id, name, prefix, key_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [key.id, key.storeId, key.name, key.prefix, key.keyHash, key.scopes, key.createdBy],
    );
    return toApiKey(rows[0]);
  }

  async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const rows: ApiKeyRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${this.t.api_keys} WHERE key_hash = $1`, [keyHash]);
    return rows[0] && toApiKey(rows[0]);
  }

  async find(id: string): Promise<ApiKeyRecord | undefined> {
    const rows: ApiKeyRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${this.t.api_keys} WHERE id = $1`, [id]);
    return rows[0] && toApiKey(rows[0]);
  }

  async listByStore(storeId: string): Promise<ApiKeyRecord[]> {
    const rows: ApiKeyRow[] = await this.db.query(`SELECT ${COLUMNS} FROM ${this.t.api_keys} WHERE store_id = $1 ORDER BY created_at, id`, [storeId]);
    return rows.map(toApiKey);
  }

  async revoke(id: string): Promise<ApiKeyRecord | undefined> {
    const rows = returnedRows<ApiKeyRow>(await this.db.query(`UPDATE ${this.t.api_keys} SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`, [id]));
    return rows[0] && toApiKey(rows[0]);
  }

  /** Records use at most once a minute per key, so a busy POS does not write on every request. */
  async touch(id: string): Promise<void> {
    await this.db.query(`UPDATE ${this.t.api_keys} SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
  }
}
