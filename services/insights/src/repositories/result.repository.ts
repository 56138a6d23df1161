import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableIn } from '@tessera/db';

export type ResultKind = 'bundles' | 'forecasts' | 'prices' | 'anomalies';

/** Whose result: one store's own (its id required) or the consortium's. */
export type ResultOwner = { scope: 'store'; storeId: string } | { scope: 'consortium' };

const CONSORTIUM = '';

/** Computed insight documents, replaced whole at each refresh. */
@Injectable()
export class ResultRepository {
  /** Schema-qualified: every statement names the schema (one session is shared in embedded mode). */
  private readonly table: string;

  constructor(private readonly dataSource: DataSource) {
    this.table = tableIn(dataSource, 'results');
  }

  async save<T>(owner: ResultOwner, kind: ResultKind, period: string, document: T, roundId?: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.table} (scope, store_id, kind, period, document, round_id, refreshed_at) VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (scope, store_id, kind, period) DO UPDATE SET document = EXCLUDED.document, round_id = EXCLUDED.round_id, refreshed_at = now()`,
      [owner.scope, owner.scope === 'store' ? owner.storeId : CONSORTIUM, kind, period, JSON.stringify(document), roundId ?? null],
    );
  }

  async find<T>(owner: ResultOwner, kind: ResultKind, period = ''): Promise<T | null> {
    const rows = await this.dataSource.query(`SELECT document FROM ${this.table} WHERE scope = $1 AND store_id = $2 AND kind = $3 AND period = $4`, [
      owner.scope,
      owner.scope === 'store' ? owner.storeId : CONSORTIUM,
      kind,
      period,
    ]);
    return rows.length ? (rows[0].document as T) : null;
  }
}
