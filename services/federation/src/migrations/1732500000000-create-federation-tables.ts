import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

export class CreateFederationTables1732500000000 implements MigrationInterface {
  name = 'CreateFederationTables1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`
      CREATE TABLE ${t('stores')} (
        store_id text PRIMARY KEY,
        identity_public_key bytea NOT NULL CHECK (length(identity_public_key) = 32),
        enrolled_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${t('rounds')} (
        round_id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('pending', 'proposing', 'key_setup', 'measuring', 'unmasking', 'completed', 'failed')),
        config jsonb NOT NULL,
        failure_reason text,
        candidate_count integer NOT NULL DEFAULT 0,
        pattern_count integer NOT NULL DEFAULT 0,
        utility_sigma_cents double precision,
        support_sigma double precision,
        requested_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX rounds_created ON ${t('rounds')} (created_at DESC)`);
    // Which stores took part and how far: no numbers of any store are kept here.
    await queryRunner.query(`
      CREATE TABLE ${t('round_participants')} (
        round_id uuid NOT NULL REFERENCES ${t('rounds')} (round_id) ON DELETE CASCADE,
        store_id text NOT NULL,
        state text NOT NULL CHECK (state IN ('invited', 'joined', 'declined', 'proposed', 'contributed', 'dropped')),
        reason text,
        PRIMARY KEY (round_id, store_id)
      )`);
    // Only aggregated, noisy values of itemsets at least k stores proposed.
    await queryRunner.query(`
      CREATE TABLE ${t('global_patterns')} (
        round_id uuid NOT NULL REFERENCES ${t('rounds')} (round_id) ON DELETE CASCADE,
        rank integer NOT NULL,
        items text[] NOT NULL,
        aggregated_utility_cents double precision NOT NULL,
        global_support double precision NOT NULL,
        contributing_stores integer NOT NULL,
        coverage double precision NOT NULL,
        interval_low_cents double precision NOT NULL,
        interval_high_cents double precision NOT NULL,
        PRIMARY KEY (round_id, rank)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`DROP TABLE ${t('global_patterns')}`);
    await queryRunner.query(`DROP TABLE ${t('round_participants')}`);
    await queryRunner.query(`DROP TABLE ${t('rounds')}`);
    await queryRunner.query(`DROP TABLE ${t('stores')}`);
  }
}
