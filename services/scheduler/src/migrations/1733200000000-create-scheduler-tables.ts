import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

export class CreateSchedulerTables1733200000000 implements MigrationInterface {
  name = 'CreateSchedulerTables1733200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`
      CREATE TABLE ${t('schedules')} (
        schedule_id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('mining', 'federated_round', 'insights_refresh', 'retention_sweep')),
        cron text NOT NULL,
        store_id text,
        parameters jsonb NOT NULL DEFAULT '{}'::jsonb,
        description text NOT NULL DEFAULT '',
        paused boolean NOT NULL DEFAULT false,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        planned_since timestamptz NOT NULL DEFAULT now(),
        last_due_at timestamptz,
        skipped_runs bigint NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(`CREATE INDEX schedules_store ON ${t('schedules')} (store_id)`);
    await queryRunner.query(`
      CREATE TABLE ${t('runs')} (
        run_id uuid PRIMARY KEY,
        schedule_id uuid NOT NULL REFERENCES ${t('schedules')} (schedule_id) ON DELETE CASCADE,
        kind text NOT NULL,
        store_id text,
        due_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('created', 'active', 'completed', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        started_at timestamptz,
        finished_at timestamptz,
        failure_reason text,
        result jsonb,
        UNIQUE (schedule_id, due_at)
      )`);
    await queryRunner.query(`CREATE INDEX runs_recent ON ${t('runs')} (due_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE ${t('erasure_requests')} (
        request_id uuid PRIMARY KEY,
        scope text NOT NULL CHECK (scope IN ('customer', 'store')),
        store_id text NOT NULL,
        customer_hash text,
        status text NOT NULL CHECK (status IN ('pending', 'published', 'completed', 'overdue')),
        awaiting text[] NOT NULL,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        deadline timestamptz NOT NULL,
        completed_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE ${t('erasure_confirmations')} (
        request_id uuid NOT NULL REFERENCES ${t('erasure_requests')} (request_id) ON DELETE CASCADE,
        service text NOT NULL,
        deleted jsonb NOT NULL,
        note text NOT NULL DEFAULT '',
        confirmed_at timestamptz NOT NULL,
        PRIMARY KEY (request_id, service)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`DROP TABLE ${t('erasure_confirmations')}`);
    await queryRunner.query(`DROP TABLE ${t('erasure_requests')}`);
    await queryRunner.query(`DROP TABLE ${t('runs')}`);
    await queryRunner.query(`DROP TABLE ${t('schedules')}`);
  }
}
