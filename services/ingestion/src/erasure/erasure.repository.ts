import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableIn } from '@tessera/db';

export interface ErasedCounts {
  transactions: number;
  /** Upload records removed (store scope) or found holding the customer's rows (customer scope: kept, they hold only counts). */
  files: number;
  fileErrors: number;
  rejectedEvents: number;
}

const affected = (result: unknown) => (result as [unknown[], number])[1];

/** Deletes for erasure requests and retention sweeps; every statement names the store (or the cutoff). */
@Injectable()
export class IngestionErasureRepository {
  private readonly t: Record<'transactions' | 'files' | 'file_errors' | 'rejected_events', string>;

  constructor(private readonly dataSource: DataSource) {
    this.t = { transactions: tableIn(dataSource, 'transactions'), files: tableIn(dataSource, 'files'), file_errors: tableIn(dataSource, 'file_errors'), rejected_events: tableIn(dataSource, 'rejected_events') };
  }

  /** One customer's transactions in one store (by the keyed hash ingestion stored). */
  async eraseCustomer(storeId: string, customerHash: string): Promise<ErasedCounts> {
    return this.dataSource.transaction(async (manager) => {
      const deleted: { file_id: string | null }[] = (await manager.query(`DELETE FROM ${this.t.transactions} WHERE store_id = $1 AND customer_hash = $2 RETURNING file_id`, [storeId, customerHash]))[0];
      const files = new Set(deleted.map((row) => row.file_id).filter(Boolean));
      return { transactions: deleted.length, files: files.size, fileErrors: 0, rejectedEvents: 0 };
    });
  }

  /** Everything ingestion holds for one store. */
  async eraseStore(storeId: string): Promise<ErasedCounts> {
    return this.dataSource.transaction(async (manager) => {
      const transactions = affected(await manager.query(`DELETE FROM ${this.t.transactions} WHERE store_id = $1`, [storeId]));
      const fileErrors = affected(await manager.query(`DELETE FROM ${this.t.file_errors} WHERE file_id IN (SELECT file_id FROM ${this.t.files} WHERE store_id = $1)`, [storeId]));
      const files = affected(await manager.query(`DELETE FROM ${this.t.files} WHERE store_id = $1`, [storeId]));
      const rejectedEvents = affected(await manager.query(`DELETE FROM ${this.t.rejected_events} WHERE store_id = $1`, [storeId]));
      return { transactions, files, fileErrors, rejectedEvents };
    });
  }

  /** Retention: transactions that occurred before the cutoff (in one store, or all when storeId is null). */
  async sweepTransactions(storeId: string | null, olderThan: Date): Promise<number> {
    return affected(await this.dataSource.query(`DELETE FROM ${this.t.transactions} WHERE occurred_at < $1 AND ($2::text IS NULL OR store_id = $2)`, [olderThan, storeId]));
  }

  /** Retention: finished upload records (and their row errors) created before the cutoff; the transactions they brought stay. */
  async sweepFiles(storeId: string | null, olderThan: Date): Promise<number> {
    return affected(await this.dataSource.query(`DELETE FROM ${this.t.files} WHERE created_at < $1 AND status <> 'processing' AND ($2::text IS NULL OR store_id = $2)`, [olderThan, storeId]));
  }
}
