import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableIn } from '@tessera/db';

export interface StockLevel {
  sku: string;
  name?: string;
  stock: number;
  leadTimeDays: number;
  serviceLevel: number;
  countedAt: string;
}

/** The latest counted stock per store and item. */
@Injectable()
export class StockRepository {
  /** Schema-qualified: every statement names the schema (one session is shared in embedded mode). */
  private readonly table: string;

  constructor(private readonly dataSource: DataSource) {
    this.table = tableIn(dataSource, 'stock_levels');
  }

  /** Replaces the levels of the items in the snapshot, in one transaction. */
  async record(storeId: string, levels: readonly StockLevel[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const level of levels) {
        await manager.query(
          `INSERT INTO ${this.table} AS counted (store_id, sku, name, stock, lead_time_days, service_level, counted_at, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())
           ON CONFLICT (store_id, sku) DO UPDATE SET name = coalesce(EXCLUDED.name, counted.name), stock = EXCLUDED.stock, lead_time_days = EXCLUDED.lead_time_days,
             service_level = EXCLUDED.service_level, counted_at = EXCLUDED.counted_at, recorded_at = now()
           WHERE counted.counted_at <= EXCLUDED.counted_at`,
          [storeId, level.sku, level.name ?? null, level.stock, level.leadTimeDays, level.serviceLevel, level.countedAt],
        );
      }
    });
  }

  async list(storeId: string): Promise<StockLevel[]> {
    const rows: { sku: string; name: string | null; stock: number; lead_time_days: number; service_level: number; counted_at: Date }[] = await this.dataSource.query(
      `SELECT sku, name, stock, lead_time_days, service_level, counted_at FROM ${this.table} WHERE store_id = $1 ORDER BY sku`,
      [storeId],
    );
    return rows.map((row) => ({ sku: row.sku, ...(row.name ? { name: row.name } : {}), stock: row.stock, leadTimeDays: row.lead_time_days, serviceLevel: row.service_level, countedAt: new Date(row.counted_at).toISOString() }));
  }
}
