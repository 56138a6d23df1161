import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

export class CreatePrivacyLedger1732300000000 implements MigrationInterface {
  name = 'CreatePrivacyLedger1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`
      CREATE TABLE ${t('budgets')} (
        store_id text PRIMARY KEY,
        epsilon_cap double precision NOT NULL CHECK (epsilon_cap > 0),
        delta double precision NOT NULL CHECK (delta > 0 AND delta < 1),
        default_round_epsilon double precision NOT NULL CHECK (default_round_epsilon > 0),
        mechanism text NOT NULL CHECK (mechanism IN ('discrete-gaussian', 'discrete-laplace')),
        hash_patterns boolean NOT NULL DEFAULT false,
        -- Exact decimal sum of the ledger's rho values (each the shortest round-trip form of a double).
        spent_rho numeric NOT NULL DEFAULT 0 CHECK (spent_rho >= 0),
        release_count bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${t('ledger')} (
        entry_id bigserial PRIMARY KEY,
        store_id text NOT NULL REFERENCES ${t('budgets')} (store_id),
        round_id text NOT NULL,
        release_id text NOT NULL,
        mechanism text NOT NULL,
        rho numeric NOT NULL CHECK (rho > 0),
        parameters jsonb NOT NULL,
        total_rho_after numeric NOT NULL,
        epsilon_after double precision NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (store_id, round_id, release_id)
      )`);
    // Append-only: the ledger is the store's audit of what it released.
    await queryRunner.query(`
      CREATE FUNCTION ${t('ledger_is_append_only')}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the privacy ledger is append-only: % is not allowed', TG_OP;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ${t('ledger')} FOR EACH ROW EXECUTE FUNCTION ${t('ledger_is_append_only')}()`);
    await queryRunner.query(`
      CREATE TABLE ${t('config_changes')} (
        change_id bigserial PRIMARY KEY,
        store_id text NOT NULL,
        changed_by text NOT NULL,
        changes jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`DROP TABLE ${t('config_changes')}`);
    await queryRunner.query(`DROP TRIGGER ledger_append_only ON ${t('ledger')}`);
    await queryRunner.query(`DROP FUNCTION ${t('ledger_is_append_only')}()`);
    await queryRunner.query(`DROP TABLE ${t('ledger')}`);
    await queryRunner.query(`DROP TABLE ${t('budgets')}`);
  }
}
