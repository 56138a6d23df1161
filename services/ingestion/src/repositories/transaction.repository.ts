import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, type EntityManager } from 'typeorm';
import { tableIn } from '@tessera/db';
import { totalUtilityCents, type TransactionRecord } from '../transaction.model';

export interface StoredTransactionRow {
  store_id: string;
  transaction_id: string;
  occurred_at: Date;
  total_utility_cents: string;
  lines: TransactionRecord['lines'];
  source: 'pos' | 'file';
  file_id: string | null;
}

export interface TransactionQuery {
  startDate?: string;
  endDate?: string;
  minUtilityCents?: number;
  limit: number;
  offset: number;
}

/** Queries on stored transactions; every read names the store it reads. */
@Injectable()
export class TransactionRepository {
  private readonly t: Record<'transactions' | 'staged_transactions' | 'file_customers', string>;

  constructor(private readonly dataSource: DataSource) {
    this.t = { transactions: tableIn(dataSource, 'transactions'), staged_transactions: tableIn(dataSource, 'staged_transactions'), file_customers: tableIn(dataSource, 'file_customers') };
  }

  /** Stages a batch of an all-or-nothing upload under its file id; `firstSeq` keeps the file's order. */
  async stageMany(manager: EntityManager, fileId: string, firstSeq: number, records: TransactionRecord[]): Promise<void> {
    if (records.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.t.staged_transactions} (file_id, seq, store_id, transaction_id, occurred_at, customer_hash, total_utility_cents, line_count, lines)
       SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::bigint[], $8::int[], $9::jsonb[])`,
      [
        fileId,
        records.map((_, i) => firstSeq + i),
        records.map((r) => r.storeId),
        records.map((r) => r.transactionId),
        records.map((r) => r.occurredAt),
        records.map((r) => r.customerHash ?? null),
        records.map((r) => String(totalUtilityCents(r))),
        records.map((r) => r.lines.length),
        records.map((r) => JSON.stringify(r.lines)),
      ],
    );
  }

  /**
   * Moves a file's staged transactions into the store's transactions in one statement (rows
   * already there, or repeated in the file, are duplicates: the first one counts) and drops
   * the staging rows. The same statement records every customer the file held, duplicates
   * included, so erasure finds the file's object. Returns how many rows were new per store.
   */
  async commitStaged(manager: EntityManager, fileId: string): Promise<Map<string, number>> {
    const result: { store_id: string; inserted: string }[] = await manager.query(
      `WITH inserted AS (
         INSERT INTO ${this.t.transactions} (store_id, transaction_id, occurred_at, customer_hash, total_utility_cents, line_count, lines, source, file_id)
         SELECT store_id, transaction_id, occurred_at, customer_hash, total_utility_cents, line_count, lines, 'file', file_id
         FROM ${this.t.staged_transactions} WHERE file_id = $1 ORDER BY seq
         ON CONFLICT (store_id, transaction_id) DO NOTHING
         RETURNING store_id),
       customers AS (
         INSERT INTO ${this.t.file_customers} (file_id, customer_hash)
         SELECT DISTINCT file_id, customer_hash FROM ${this.t.staged_transactions} WHERE file_id = $1 AND customer_hash IS NOT NULL
         ON CONFLICT DO NOTHING)
       SELECT store_id, count(*)::text AS inserted FROM inserted GROUP BY store_id`,
      [fileId],
    );
    await manager.query(`DELETE FROM ${this.t.staged_transactions} WHERE file_id = $1`, [fileId]);
    return new Map(result.map((row) => [row.store_id, Number(row.inserted)]));
  }

  /** Drops the staged rows of a failed upload. */
  async discardStaged(fileId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${this.t.staged_transactions} WHERE file_id = $1`, [fileId]);
  }

  /** Drops staged rows left by uploads that are no longer processing (cut off by a crash). */
  async discardAbandoned(filesTable: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${this.t.staged_transactions} s WHERE NOT EXISTS (SELECT 1 FROM ${filesTable} f WHERE f.file_id = s.file_id AND f.status = 'processing')`);
  }

  /**
   * Inserts in one statement; rows whose (store, transaction id) already exist are left as
   * they are. Records from a file (partial-mode uploads) also record, in the same statement,
   * which customers the file held, duplicates included, so erasure finds the file's object.
   * Returns how many rows were new per store, so the caller can count duplicates.
   */
  async insertMany(manager: EntityManager, records: TransactionRecord[]): Promise<Map<string, number>> {
    if (records.length === 0) return new Map();
    const result: { store_id: string; inserted: string }[] = await manager.query(
      `WITH inserted AS (
         INSERT INTO ${this.t.transactions} (store_id, transaction_id, occurred_at, customer_hash, total_utility_cents, line_count, lines, source, file_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::bigint[], $6::int[], $7::jsonb[], $8::text[], $9::uuid[])
         ON CONFLICT (store_id, transaction_id) DO NOTHING
         RETURNING store_id),
       customers AS (
         INSERT INTO ${this.t.file_customers} (file_id, customer_hash)
         SELECT DISTINCT file_id, customer_hash FROM unnest($9::uuid[], $4::text[]) AS record (file_id, customer_hash) WHERE file_id IS NOT NULL AND customer_hash IS NOT NULL
         ON CONFLICT DO NOTHING)
       SELECT store_id, count(*)::text AS inserted FROM inserted GROUP BY store_id`,
      [
        records.map((r) => r.storeId),
        records.map((r) => r.transactionId),
        records.map((r) => r.occurredAt),
        records.map((r) => r.customerHash ?? null),
        records.map((r) => String(totalUtilityCents(r))),
        records.map((r) => r.lines.length),
        records.map((r) => JSON.stringify(r.lines)),
        records.map((r) => r.source),
        records.map((r) => r.fileId ?? null),
      ],
    );
    return new Map(result.map((row) => [row.store_id, Number(row.inserted)]));
  }

  /**
   * The POS path's bulk insert: the batch goes to a session-local staging table with one
   * `COPY ... FROM STDIN` (text format, no parameter arrays to escape), then into the store's
   * transactions with one `INSERT ... SELECT ... ON CONFLICT DO NOTHING`, both inside the
   * caller's transaction, so nothing is visible, and no offset can be committed, before its
   * commit. Repeats of a (store, transaction id) within the batch are dropped here, first one
   * kept, as the single insert of `insertMany` does. Returns how many rows were new per store.
   */
  async copyMany(manager: EntityManager, records: TransactionRecord[]): Promise<Map<string, number>> {
    if (records.length === 0) return new Map();
    const client = copyClient(manager);
    // ON COMMIT DELETE ROWS: the staging rows never outlive the transaction, committed or not.
    // Awaited only once the COPY text is built, so its round trip overlaps that work.
    const staged = manager.query(
      `CREATE TEMP TABLE IF NOT EXISTS ${STAGE} (store_id text, transaction_id text, occurred_at timestamptz, customer_hash text, total_utility_cents bigint, line_count int, lines jsonb, source text, file_id uuid) ON COMMIT DELETE ROWS`,
    );
    const seen = new Set<string>();
    let text = '';
    for (const r of records) {
      const key = `${r.storeId}\u0000${r.transactionId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let total = 0;
      for (const line of r.lines) total += line.utilityCents;
      text += `${copyText(r.storeId)}\t${copyText(r.transactionId)}\t${r.occurredAt}\t${r.customerHash === undefined ? '\\N' : copyText(r.customerHash)}\t${total}\t${r.lines.length}\t${copyText(JSON.stringify(r.lines))}\t${r.source}\t${r.fileId ?? '\\N'}\n`;
    }
    await staged;
    await new Promise<void>((resolve, reject) => {
      const stream = client.query(copyFrom(`COPY ${STAGE} FROM STDIN`));
      stream.on('error', reject);
      stream.on('finish', resolve);
      stream.end(text);
    });
    const result: { store_id: string; inserted: string }[] = await manager.query(
      `WITH inserted AS (
         INSERT INTO ${this.t.transactions} (store_id, transaction_id, occurred_at, customer_hash, total_utility_cents, line_count, lines, source, file_id)
         SELECT store_id, transaction_id, occurred_at, customer_hash, total_utility_cents, line_count, lines, source, file_id FROM ${STAGE}
         ON CONFLICT (store_id, transaction_id) DO NOTHING
         RETURNING store_id)
       SELECT store_id, count(*)::text AS inserted FROM inserted GROUP BY store_id`,
    );
    return new Map(result.map((row) => [row.store_id, Number(row.inserted)]));
  }

  async list(storeId: string, query: TransactionQuery): Promise<{ rows: StoredTransactionRow[]; total: number }> {
    const conditions = ['store_id = $1'];
    const parameters: unknown[] = [storeId];
    if (query.startDate) conditions.push(`occurred_at >= $${parameters.push(query.startDate)}`);
    if (query.endDate) conditions.push(`occurred_at <= $${parameters.push(query.endDate)}`);
    if (query.minUtilityCents !== undefined) conditions.push(`total_utility_cents >= $${parameters.push(query.minUtilityCents)}`);
    const where = conditions.join(' AND ');
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::text AS total FROM ${this.t.transactions} WHERE ${where}`, parameters);
    const rows = await this.dataSource.query(
      `SELECT store_id, transaction_id, occurred_at, total_utility_cents::text, lines, source, file_id FROM ${this.t.transactions} WHERE ${where}
       ORDER BY occurred_at, transaction_id LIMIT $${parameters.length + 1} OFFSET $${parameters.length + 2}`,
      [...parameters, query.limit, query.offset],
    );
    return { rows, total: Number(total) };
  }

  /** Keyset-paged scan of one store's transactions, for mining. */
  async *scan(storeId: string, batchSize: number): AsyncGenerator<StoredTransactionRow[]> {
    let after = '';
    for (;;) {
      const rows: StoredTransactionRow[] = await this.dataSource.query(
        `SELECT store_id, transaction_id, occurred_at, total_utility_cents::text, lines, source, file_id FROM ${this.t.transactions}
         WHERE store_id = $1 AND transaction_id > $2 ORDER BY transaction_id LIMIT $3`,
        [storeId, after, batchSize],
      );
      if (rows.length === 0) return;
      yield rows;
      after = rows[rows.length - 1].transaction_id;
    }
  }

  async countByStore(storeId: string): Promise<number> {
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::text AS count FROM ${this.t.transactions} WHERE store_id = $1`, [storeId]);
    return Number(count);
  }

  async summaries(storeIds: string[]): Promise<{ store_id: string; transaction_count: string; first_at: Date | null; last_at: Date | null; total_utility_cents: string }[]> {
    const filter = storeIds.length > 0 ? 'WHERE store_id = ANY($1)' : '';
    return this.dataSource.query(
      `SELECT store_id, count(*)::text AS transaction_count, min(occurred_at) AS first_at, max(occurred_at) AS last_at, coalesce(sum(total_utility_cents), 0)::text AS total_utility_cents
       FROM ${this.t.transactions} ${filter} GROUP BY store_id ORDER BY store_id`,
      storeIds.length > 0 ? [storeIds] : [],
    );
  }
}

/** Session-local (temporary) staging table of copyMany: one per database connection. */
const STAGE = 'pg_temp.pos_copy_stage';

const COPY_SPECIAL = /[\\\t\n\r]/;

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped (the rest is taken as is). */
export function copyText(value: string): string {
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** The pg client of the transaction a TypeORM manager runs in (COPY needs the connection itself). */
function copyClient(manager: EntityManager): PoolClient {
  const client = (manager.queryRunner as { databaseConnection?: PoolClient } | undefined)?.databaseConnection;
  if (!client) throw new Error('copyMany must run inside a transaction (manager without a connected query runner)');
  return client;
}
