import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

export class CreateMiningTables1732400000000 implements MigrationInterface {
  name = 'CreateMiningTables1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`
      CREATE TABLE ${t('jobs')} (
        job_id uuid PRIMARY KEY,
        store_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
        options jsonb NOT NULL,
        phase text NOT NULL DEFAULT 'queued',
        progress double precision NOT NULL DEFAULT 0,
        failure_reason text,
        statistics jsonb,
        truncated boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX jobs_store ON ${t('jobs')} (store_id, created_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE ${t('patterns')} (
        job_id uuid NOT NULL REFERENCES ${t('jobs')} (job_id) ON DELETE CASCADE,
        rank integer NOT NULL,
        items text[] NOT NULL,
        length integer NOT NULL,
        utility_cents bigint NOT NULL,
        support integer NOT NULL,
        support_ratio double precision NOT NULL,
        confidence double precision NOT NULL,
        PRIMARY KEY (job_id, rank)
      )`);
    await queryRunner.query(`CREATE INDEX patterns_items ON ${t('patterns')} USING gin (items)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`DROP TABLE ${t('patterns')}`);
    await queryRunner.query(`DROP TABLE ${t('jobs')}`);
  }
}
