import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

/**
 * What a bundle's support, confidence and lift need beyond the published patterns: the itemset
 * round's noisy transaction count with its noise σ, and the noisy supports of the bundles'
 * parts that are not published patterns themselves. Aggregates only, like the patterns.
 */
export class AddBundleMeasurements1733400000000 implements MigrationInterface {
  name = 'AddBundleMeasurements1733400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`ALTER TABLE ${t('rounds')} ADD COLUMN transaction_count double precision, ADD COLUMN transaction_count_sigma double precision`);
    await queryRunner.query(`
      CREATE TABLE ${t('subset_supports')} (
        round_id uuid NOT NULL REFERENCES ${t('rounds')} (round_id) ON DELETE CASCADE,
        items text[] NOT NULL,
        support double precision NOT NULL,
        support_low95 double precision NOT NULL,
        support_high95 double precision NOT NULL,
        PRIMARY KEY (round_id, items)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`DROP TABLE ${t('subset_supports')}`);
    await queryRunner.query(`ALTER TABLE ${t('rounds')} DROP COLUMN transaction_count_sigma, DROP COLUMN transaction_count`);
  }
}
