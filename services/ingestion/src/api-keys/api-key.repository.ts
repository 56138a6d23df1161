import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableIn } from '@tessera/db';

export interface ApiKeyRecord {
  id: string;
  storeId: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** A record with its stored hash: only for the verifier's comparison, never answered. */
export interface ApiKeyCandidate extends ApiKeyRecord {
  keyHash: Buffer;
}

interface ApiKeyRow {
  id: string;
  store_id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_by: string | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
  key_hash?: Buffer;
}

/** TypeORM answers an UPDATE ... RETURNING on Postgres as [rows, affected count]. */
function returnedRows(result: unknown): ApiKeyRow[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as ApiKeyRow[];
  return result as ApiKeyRow[];
}

const COLUMNS = 'id, store_id, name, prefix, scopes, created_by, created_at, revoked_at, last_used_at';

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return { id: row.id, storeId: row.store_id, name: row.name, prefix: row.prefix, scopes: row.scopes, createdBy: row.created_by, createdAt: row.created_at, revokedAt: row.revoked_at, lastUsedAt: row.last_used_at };
}

/** The node's store API keys (table api_keys): the SHA-256 of each key, never the key. */
@Injectable()
export class ApiKeyRepository {
  private readonly table: string;

  constructor(private readonly dataSource: DataSource) {
    this.table = tableIn(dataSource, 'api_keys');
  }

  /**
   * Inserts the key unless the store already has `maxActive` unrevoked keys (undefined then).
   * The count and the insert run under a per-store lock, so concurrent creations cannot pass it together.
   */
  async insertWithin(maxActive: number, key: { id: string; storeId: string; name: string; prefix: string; keyHash: Buffer; scopes: string[]; createdBy: string | null }): Promise<ApiKeyRecord | undefined> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${this.table}:${key.storeId}`]);
      const [{ active }]: { active: number }[] = await manager.query(`SELECT count(*)::int AS active FROM ${this.table} WHERE store_id = $1 AND revoked_at IS NULL`, [key.storeId]);
      if (active >= maxActive) return undefined;
      const rows: ApiKeyRow[] = await manager.query(
        `INSERT INTO ${this.table} (id, store_id, name, prefix, key_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [key.id, key.storeId, key.name, key.prefix, key.keyHash, key.scopes, key.createdBy],
      );
      return toRecord(rows[0]);
    });
  }

  /** Every key whose prefix is this one (almost always one), with its hash, for a constant-time comparison. */
  async candidates(prefix: string): Promise<ApiKeyCandidate[]> {
    const rows: Required<ApiKeyRow>[] = await this.dataSource.query(`SELECT ${COLUMNS}, key_hash FROM ${this.table} WHERE prefix = $1 LIMIT 16`, [prefix]);
    return rows.map((row) => ({ ...toRecord(row), keyHash: row.key_hash }));
  }

  async find(id: string): Promise<ApiKeyRecord | undefined> {
    const rows: ApiKeyRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`, [id]);
    return rows[0] && toRecord(rows[0]);
  }

  /** A store's keys, newest last, revoked ones included (they say when). */
  async listByStore(storeId: string): Promise<ApiKeyRecord[]> {
    const rows: ApiKeyRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE store_id = $1 ORDER BY created_at, id`, [storeId]);
    return rows.map(toRecord);
  }

  /** Revokes an active key; undefined when it was revoked already. */
  async revoke(id: string): Promise<ApiKeyRecord | undefined> {
    const rows = returnedRows(await this.dataSource.query(`UPDATE ${this.table} SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`, [id]));
    return rows[0] && toRecord(rows[0]);
  }

  /** Records use at most once a minute per key, so a busy POS does not write on every request. */
  async touch(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.table} SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, [id]);
  }
}
