import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { tableIn } from '@tessera/db';

export interface RejectedEvent {
  topic: string;
  partition: number;
  offset: string;
  storeId?: string;
  transactionId?: string;
  reason: string;
  fieldPath: string;
}

@Injectable()
export class RejectedEventRepository {
  private readonly t: Record<'rejected_events', string>;

  constructor(private readonly dataSource: DataSource) {
    this.t = { rejected_events: tableIn(dataSource, 'rejected_events') };
  }

  /** Records rejections once per source offset, so a redelivered batch is not counted twice. */
  async insertMany(manager: EntityManager, events: RejectedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await manager.query(
      `INSERT INTO ${this.t.rejected_events} (topic, partition, "offset", store_id, transaction_id, reason, field_path)
       SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[]) ON CONFLICT DO NOTHING`,
      [
        events.map((e) => e.topic),
        events.map((e) => e.partition),
        events.map((e) => e.offset),
        events.map((e) => e.storeId ?? null),
        events.map((e) => e.transactionId ?? null),
        events.map((e) => e.reason),
        events.map((e) => e.fieldPath),
      ],
    );
  }

  async countByStore(storeIds: string[]): Promise<Map<string, number>> {
    const rows: { store_id: string; count: string }[] = await this.dataSource.query(
      `SELECT store_id, count(*)::text AS count FROM ${this.t.rejected_events} WHERE store_id IS NOT NULL ${storeIds.length ? 'AND store_id = ANY($1)' : ''} GROUP BY store_id`,
      storeIds.length ? [storeIds] : [],
    );
    return new Map(rows.map((r) => [r.store_id, Number(r.count)]));
  }
}
