import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

/** Published results of the demand-series and price-response rounds: noisy aggregates only. */
export class CreateStatisticsTables1733100000000 implements MigrationInterface {
  name = 'CreateStatisticsTables1733100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`
      CREATE TABLE ${t('demand_series_points')} (
        round_id uuid NOT NULL REFERENCES ${t('rounds')} (round_id) ON DELETE CASCADE,
        sku text NOT NULL,
        period_start date NOT NULL,
        quantity double precision NOT NULL,
        revenue_cents double precision NOT NULL,
        quantity_sigma double precision NOT NULL,
        revenue_sigma_cents double precision NOT NULL,
        quantity_low95 double precision NOT NULL,
        quantity_high95 double precision NOT NULL,
        revenue_low95_cents double precision NOT NULL,
        revenue_high95_cents double precision NOT NULL,
        PRIMARY KEY (round_id, sku, period_start)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${t('price_responses')} (
        round_id uuid NOT NULL REFERENCES ${t('rounds')} (round_id) ON DELETE CASCADE,
        sku text NOT NULL,
        elasticity double precision,
        std_error double precision,
        low95 double precision,
        high95 double precision,
        observations double precision NOT NULL,
        PRIMARY KEY (round_id, sku)
      )`);
    await queryRunner.query(`CREATE INDEX rounds_kind_completed ON ${t('rounds')} ((coalesce(config->>'kind', 'itemsets')), completed_at DESC) WHERE status = 'completed'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`DROP INDEX ${t('rounds_kind_completed')}`);
    await queryRunner.query(`DROP TABLE ${t('price_responses')}`);
    await queryRunner.query(`DROP TABLE ${t('demand_series_points')}`);
  }
}
