import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

/**
 * All-or-nothing uploads: a file's transactions are staged by file id while it streams in and
 * moved into `transactions` in one statement when the whole file was read; a file that fails
 * leaves nothing there. `files.mode` records which way a file was stored.
 */
export class StageFileUploads1764650000000 implements MigrationInterface {
  name = 'StageFileUploads1764650000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`
      CREATE TABLE ${t('staged_transactions')} (
        file_id uuid NOT NULL,
        seq bigint NOT NULL,
        store_id text NOT NULL,
        transaction_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        customer_hash text,
        total_utility_cents bigint NOT NULL,
        line_count integer NOT NULL,
        lines jsonb NOT NULL,
        PRIMARY KEY (file_id, seq)
      )`);
    // existing rows were stored batch by batch
    await queryRunner.query(`ALTER TABLE ${t('files')} ADD COLUMN mode text NOT NULL DEFAULT 'partial' CHECK (mode IN ('all-or-nothing', 'partial'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`ALTER TABLE ${t('files')} DROP COLUMN mode`);
    await queryRunner.query(`DROP TABLE ${t('staged_transactions')}`);
  }
}
