import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableIn } from '@tessera/db';

export interface ErasedCounts {
  /** Stored transactions deleted, with the rows of uploads still being read (staged). */
  transactions: number;
  /** Upload records removed (store scope) or found holding the customer's rows (customer scope: kept, they hold only counts). */
  files: number;
  fileErrors: number;
  rejectedEvents: number;
}

/** An upload record of the store and where its bytes are kept (null: none are). */
export interface KeptFile {
  file_id: string;
  object_key: string | null;
}

/** A file that holds the customer's rows and still has its object appeared after the objects were removed. */
export class ErasureRaceError extends Error {}

const affected = (result: unknown) => (result as [unknown[], number])[1];

/** Reads and deletes for erasure requests and retention sweeps; every statement names the store (or the cutoff). */
@Injectable()
export class IngestionErasureRepository {
  private readonly t: Record<'transactions' | 'staged_transactions' | 'files' | 'file_errors' | 'file_customers' | 'rejected_events', string>;

  constructor(private readonly dataSource: DataSource) {
    const names = ['transactions', 'staged_transactions', 'files', 'file_errors', 'file_customers', 'rejected_events'] as const;
    this.t = Object.fromEntries(names.map((name) => [name, tableIn(dataSource, name)])) as typeof this.t;
  }

  /**
   * The store's upload records that held the customer's rows: recorded in file_customers
   * (every file, duplicates included), named by a stored row (rows stored before file_customers
   * existed), or staged by an upload still being read.
   */
  async customerFiles(storeId: string, customerHash: string): Promise<KeptFile[]> {
    return this.dataSource.query(
      `SELECT file_id, object_key FROM ${this.t.files} WHERE store_id = $1 AND file_id IN (
         SELECT file_id FROM ${this.t.file_customers} WHERE customer_hash = $2
         UNION SELECT file_id FROM ${this.t.transactions} WHERE store_id = $1 AND customer_hash = $2 AND file_id IS NOT NULL
         UNION SELECT file_id FROM ${this.t.staged_transactions} WHERE store_id = $1 AND customer_hash = $2)
       ORDER BY file_id`,
      [storeId, customerHash],
    );
  }

  /**
   * One customer's rows in one store (by the keyed hash ingestion stored), in one transaction:
   * their transactions and staged rows, and the files whose objects the caller removed lose
   * their object key (the record stays with its counts, no longer downloadable or
   * reprocessable) and their link to the customer. Throws ErasureRaceError, deleting nothing,
   * when a file holding the customer's rows still has its object (an upload that was committed
   * after the caller looked): a retry finds and removes it.
   */
  async eraseCustomer(storeId: string, customerHash: string, removedObjectsOf: string[]): Promise<Omit<ErasedCounts, 'files'>> {
    return this.dataSource.transaction(async (manager) => {
      const transactions = affected(await manager.query(`DELETE FROM ${this.t.transactions} WHERE store_id = $1 AND customer_hash = $2`, [storeId, customerHash]));
      const staged = affected(await manager.query(`DELETE FROM ${this.t.staged_transactions} WHERE store_id = $1 AND customer_hash = $2`, [storeId, customerHash]));
      await manager.query(`UPDATE ${this.t.files} SET object_key = NULL WHERE store_id = $1 AND file_id = ANY($2::uuid[])`, [storeId, removedObjectsOf]);
      await manager.query(
        `DELETE FROM ${this.t.file_customers} link USING ${this.t.files} f WHERE link.file_id = f.file_id AND f.store_id = $1 AND link.customer_hash = $2 AND f.object_key IS NULL`,
        [storeId, customerHash],
      );
      // Links left now belong to files that still have their object.
      const [{ kept }] = await manager.query(
        `SELECT count(*)::int AS kept FROM ${this.t.file_customers} link JOIN ${this.t.files} f ON f.file_id = link.file_id WHERE f.store_id = $1 AND link.customer_hash = $2`,
        [storeId, customerHash],
      );
      if (kept > 0) throw new ErasureRaceError(`${kept} file(s) of store ${storeId} holding the customer's rows were stored while the erasure ran; nothing was deleted, the request is retried`);
      return { transactions: transactions + staged, fileErrors: 0, rejectedEvents: 0 };
    });
  }

  /** The object keys of the store's upload records. */
  async storeObjectKeys(storeId: string): Promise<string[]> {
    const rows: { object_key: string }[] = await this.dataSource.query(`SELECT object_key FROM ${this.t.files} WHERE store_id = $1 AND object_key IS NOT NULL`, [storeId]);
    return rows.map((row) => row.object_key);
  }

  /** Every row ingestion holds for one store (file_customers goes with the files, by cascade). */
  async eraseStore(storeId: string): Promise<ErasedCounts> {
    return this.dataSource.transaction(async (manager) => {
      const transactions = affected(await manager.query(`DELETE FROM ${this.t.transactions} WHERE store_id = $1`, [storeId]));
      const staged = affected(await manager.query(`DELETE FROM ${this.t.staged_transactions} WHERE store_id = $1`, [storeId]));
      const fileErrors = affected(await manager.query(`DELETE FROM ${this.t.file_errors} WHERE file_id IN (SELECT file_id FROM ${this.t.files} WHERE store_id = $1)`, [storeId]));
      const files = affected(await manager.query(`DELETE FROM ${this.t.files} WHERE store_id = $1`, [storeId]));
      const rejectedEvents = affected(await manager.query(`DELETE FROM ${this.t.rejected_events} WHERE store_id = $1`, [storeId]));
      return { transactions: transactions + staged, files, fileErrors, rejectedEvents };
    });
  }

  /** Retention: transactions that occurred before the cutoff (in one store, or all when storeId is null). */
  async sweepTransactions(storeId: string | null, olderThan: Date): Promise<number> {
    return affected(await this.dataSource.query(`DELETE FROM ${this.t.transactions} WHERE occurred_at < $1 AND ($2::text IS NULL OR store_id = $2)`, [olderThan, storeId]));
  }
}
