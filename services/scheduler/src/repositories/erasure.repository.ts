import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { tableIn } from '@tessera/db';

export interface ErasureRequestRow {
  request_id: string;
  scope: 'customer' | 'store';
  store_id: string;
  customer_hash: string | null;
  status: 'pending' | 'published' | 'completed' | 'overdue';
  awaiting: string[];
  requested_by: string;
  requested_at: Date;
  deadline: Date;
  completed_at: Date | null;
}

export interface ConfirmationRow {
  request_id: string;
  service: string;
  deleted: { dataClass: string; count: number }[];
  note: string;
  confirmed_at: Date;
}

@Injectable()
export class ErasureRepository {
  private readonly t: Record<'requests' | 'confirmations', string>;

  constructor(private readonly dataSource: DataSource) {
    this.t = { requests: tableIn(dataSource, 'erasure_requests'), confirmations: tableIn(dataSource, 'erasure_confirmations') };
  }

  /** In the caller's transaction, so the request and its queued job are written together. */
  async create(manager: EntityManager, request: { requestId: string; scope: 'customer' | 'store'; storeId: string; customerHash: string | null; awaiting: string[]; requestedBy: string; deadline: Date }): Promise<ErasureRequestRow> {
    const rows: ErasureRequestRow[] = await manager.query(
      `INSERT INTO ${this.t.requests} (request_id, scope, store_id, customer_hash, status, awaiting, requested_by, deadline) VALUES ($1, $2, $3, $4, 'pending', $5::text[], $6, $7) RETURNING *`,
      [request.requestId, request.scope, request.storeId, request.customerHash, request.awaiting, request.requestedBy, request.deadline],
    );
    return rows[0];
  }

  async find(requestId: string): Promise<ErasureRequestRow | undefined> {
    const rows: ErasureRequestRow[] = await this.dataSource.query(`SELECT * FROM ${this.t.requests} WHERE request_id = $1`, [requestId]);
    return rows[0];
  }

  async markPublished(requestId: string): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.t.requests} SET status = 'published' WHERE request_id = $1 AND status = 'pending'`, [requestId]);
  }

  /**
   * Records one service's confirmation (the first one counts: a redelivered event deletes
   * nothing more) and, in the same transaction, completes the request when nobody is left.
   * Returns the request when this confirmation completed it.
   */
  async confirm(confirmation: { requestId: string; service: string; deleted: { dataClass: string; count: number }[]; note: string; confirmedAt: Date }): Promise<ErasureRequestRow | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const exists = await manager.query(`SELECT 1 FROM ${this.t.requests} WHERE request_id = $1 FOR UPDATE`, [confirmation.requestId]);
      if (!exists.length) return undefined; // a retention sweep's confirmation, or another scheduler's request
      await manager.query(`INSERT INTO ${this.t.confirmations} (request_id, service, deleted, note, confirmed_at) VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT DO NOTHING`, [
        confirmation.requestId,
        confirmation.service,
        JSON.stringify(confirmation.deleted),
        confirmation.note,
        confirmation.confirmedAt,
      ]);
      const result = await manager.query(
        `UPDATE ${this.t.requests} SET awaiting = array_remove(awaiting, $2), status = CASE WHEN cardinality(array_remove(awaiting, $2)) = 0 THEN 'completed' ELSE status END,
           completed_at = CASE WHEN cardinality(array_remove(awaiting, $2)) = 0 THEN now() ELSE completed_at END
         WHERE request_id = $1 AND status <> 'completed' AND $2 = ANY(awaiting) RETURNING *`,
        [confirmation.requestId, confirmation.service],
      );
      const row = (result as [ErasureRequestRow[], number])[0][0];
      return row?.status === 'completed' ? row : undefined;
    });
  }

  async confirmations(requestId: string): Promise<ConfirmationRow[]> {
    return this.dataSource.query(`SELECT * FROM ${this.t.confirmations} WHERE request_id = $1 ORDER BY service`, [requestId]);
  }

  /** Requests past their deadline with services still silent: marked overdue once, returned for the audit log. */
  async markOverdue(now: Date): Promise<ErasureRequestRow[]> {
    const result = await this.dataSource.query(`UPDATE ${this.t.requests} SET status = 'overdue' WHERE status IN ('pending', 'published') AND deadline < $1 RETURNING *`, [now]);
    return (result as [ErasureRequestRow[], number])[0];
  }
}
