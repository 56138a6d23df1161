import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

export class CreateAuthTables1732300000000 implements MigrationInterface {
  name = 'CreateAuthTables1732300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`
      CREATE TABLE ${t('regions')} (
        id text PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${t('stores')} (
        id text PRIMARY KEY,
        name text NOT NULL,
        region_id text REFERENCES ${t('regions')} (id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX stores_region ON ${t('stores')} (region_id)`);
    await queryRunner.query(`
      CREATE TABLE ${t('users')} (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('store_manager', 'regional_coordinator', 'admin')),
        store_id text REFERENCES ${t('stores')} (id),
        region_id text REFERENCES ${t('regions')} (id),
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        tokens_valid_after timestamptz NOT NULL DEFAULT now(),
        CHECK ((role = 'store_manager') = (store_id IS NOT NULL)),
        CHECK ((role = 'regional_coordinator') = (region_id IS NOT NULL))
      )`);
    // One live account per email; a deleted account's email can be reused.
    await queryRunner.query(`CREATE UNIQUE INDEX users_live_email ON ${t('users')} (lower(email)) WHERE deleted_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE ${t('login_throttle')} (
        email text PRIMARY KEY,
        failures integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_failure_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE ${t('refresh_tokens')} (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL,
        parent_id uuid,
        user_id uuid NOT NULL REFERENCES ${t('users')} (id),
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        family_expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_family ON ${t('refresh_tokens')} (family_id)`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_user ON ${t('refresh_tokens')} (user_id) WHERE revoked_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE ${t('api_keys')} (
        id uuid PRIMARY KEY,
        store_id text NOT NULL REFERENCES ${t('stores')} (id),
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        scopes text[] NOT NULL,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_store ON ${t('api_keys')} (store_id, created_at)`);
    await queryRunner.query(`
      CREATE TABLE ${t('audit_events')} (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system', 'anonymous')),
        actor_id text,
        actor_email text,
        actor_role text,
        action text NOT NULL,
        target_type text,
        target_id text,
        store_id text,
        outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
        reason text,
        ip text,
        user_agent text,
        request_id text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await queryRunner.query(`CREATE INDEX audit_events_time ON ${t('audit_events')} (occurred_at)`);
    await queryRunner.query(`CREATE INDEX audit_events_actor ON ${t('audit_events')} (actor_id, occurred_at)`);
    await queryRunner.query(`CREATE INDEX audit_events_store ON ${t('audit_events')} (store_id, occurred_at)`);
    await queryRunner.query(`CREATE INDEX audit_events_request ON ${t('audit_events')} (request_id)`);
    // Append-only: the database itself refuses to change or remove an audit row.
    await queryRunner.query(`
      CREATE FUNCTION ${t('audit_events_append_only')}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
      END
      $$`);
    await queryRunner.query(`CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON ${t('audit_events')} FOR EACH ROW EXECUTE FUNCTION ${t('audit_events_append_only')}()`);
    await queryRunner.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON ${t('audit_events')} FOR EACH STATEMENT EXECUTE FUNCTION ${t('audit_events_append_only')}()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`DROP TABLE ${t('audit_events')}`);
    await queryRunner.query(`DROP FUNCTION ${t('audit_events_append_only')}()`);
    await queryRunner.query(`DROP TABLE ${t('api_keys')}`);
    await queryRunner.query(`DROP TABLE ${t('refresh_tokens')}`);
    await queryRunner.query(`DROP TABLE ${t('login_throttle')}`);
    await queryRunner.query(`DROP TABLE ${t('users')}`);
    await queryRunner.query(`DROP TABLE ${t('stores')}`);
    await queryRunner.query(`DROP TABLE ${t('regions')}`);
  }
}
