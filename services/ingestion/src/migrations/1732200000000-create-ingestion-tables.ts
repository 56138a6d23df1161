import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

export class CreateIngestionTables1732200000000 implements MigrationInterface {
  name = 'CreateIngestionTables1732200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`
      CREATE TABLE ${t('transactions')} (
        store_id text NOT NULL,
        transaction_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        customer_hash text,
        total_utility_cents bigint NOT NULL,
        line_count integer NOT NULL,
        lines jsonb NOT NULL,
        source text NOT NULL CHECK (source IN ('pos', 'file')),
        file_id uuid,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (store_id, transaction_id)
      )`);
    await queryRunner.query(`CREATE INDEX transactions_store_time ON ${t('transactions')} (store_id, occurred_at)`);
    await queryRunner.query(`
      CREATE TABLE ${t('files')} (
        file_id uuid PRIMARY KEY,
        store_id text NOT NULL,
        file_name text NOT NULL,
        format text NOT NULL,
        status text NOT NULL CHECK (status IN ('processing', 'completed', 'failed')),
        accepted bigint NOT NULL DEFAULT 0,
        stored bigint NOT NULL DEFAULT 0,
        duplicates bigint NOT NULL DEFAULT 0,
        rejected bigint NOT NULL DEFAULT 0,
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX files_store ON ${t('files')} (store_id, created_at)`);
    await queryRunner.query(`
      CREATE TABLE ${t('file_errors')} (
        file_id uuid NOT NULL REFERENCES ${t('files')} (file_id) ON DELETE CASCADE,
        line bigint NOT NULL,
        field text NOT NULL,
        reason text NOT NULL,
        PRIMARY KEY (file_id, line, field)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${t('rejected_events')} (
        topic text NOT NULL,
        partition integer NOT NULL,
        "offset" bigint NOT NULL,
        store_id text,
        transaction_id text,
        reason text NOT NULL,
        field_path text NOT NULL,
        rejected_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (topic, partition, "offset")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`DROP TABLE ${t('rejected_events')}`);
    await queryRunner.query(`DROP TABLE ${t('file_errors')}`);
    await queryRunner.query(`DROP TABLE ${t('files')}`);
    await queryRunner.query(`DROP TABLE ${t('transactions')}`);
  }
}
