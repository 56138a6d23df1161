import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

/**
 * Insights as computed documents (one per scope, store, kind and period), replaced whole at
 * each refresh, and the latest stock level per store and item from stock snapshots.
 */
export class CreateInsightsTables1733300000000 implements MigrationInterface {
  name = 'CreateInsightsTables1733300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`
      CREATE TABLE ${t('results')} (
        scope text NOT NULL CHECK (scope IN ('store', 'consortium')),
        store_id text NOT NULL,
        kind text NOT NULL,
        period text NOT NULL DEFAULT '',
        document jsonb NOT NULL,
        round_id text,
        refreshed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, store_id, kind, period)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${t('stock_levels')} (
        store_id text NOT NULL,
        sku text NOT NULL,
        name text,
        stock double precision NOT NULL,
        lead_time_days double precision NOT NULL,
        service_level double precision NOT NULL,
        counted_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, sku)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`DROP TABLE ${t('stock_levels')}`);
    await queryRunner.query(`DROP TABLE ${t('results')}`);
  }
}
