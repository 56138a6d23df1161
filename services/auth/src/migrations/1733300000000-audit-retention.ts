import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

/**
 * Retention of the audit log, the one deliberate exception to its append-only rule.
 *
 * The trigger keeps refusing UPDATE, TRUNCATE and any DELETE, except a DELETE of a row older
 * than the cutoff that `sweep_audit_events` announces in the transaction-local setting
 * `tessera.audit_sweep_cutoff`. The function deletes what is older than the cutoff (in one store, or everywhere) and
 * records the sweep (cutoff, count, sweep id) as an audit row of its own in the same
 * transaction, so the log always says what was removed and when. SECURITY DEFINER, so a
 * deployment can run the service under a role that may only EXECUTE it and INSERT/SELECT the
 * table. See docs/security.md (Audit log retention).
 */
export class AuditRetention1733300000000 implements MigrationInterface {
  name = 'AuditRetention1733300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION ${t('audit_events_append_only')}() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        cutoff text := current_setting('tessera.audit_sweep_cutoff', true);
      BEGIN
        IF TG_OP = 'DELETE' AND coalesce(cutoff, '') <> '' AND OLD.occurred_at < cutoff::timestamptz THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
      END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION ${t('sweep_audit_events')}(cutoff timestamptz, sweep_id text, only_store text) RETURNS bigint
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
      DECLARE
        deleted bigint;
      BEGIN
        IF cutoff IS NULL OR cutoff > now() THEN
          RAISE EXCEPTION 'sweep_audit_events: the cutoff must be in the past';
        END IF;
        PERFORM set_config('tessera.audit_sweep_cutoff', cutoff::text, true);
        DELETE FROM ${t('audit_events')} WHERE occurred_at < cutoff AND (only_store IS NULL OR store_id = only_store);
        GET DIAGNOSTICS deleted = ROW_COUNT;
        PERFORM set_config('tessera.audit_sweep_cutoff', '', true);
        INSERT INTO ${t('audit_events')} (actor_type, actor_id, action, target_type, target_id, store_id, outcome, request_id, details)
        VALUES ('system', 'auth', 'audit.retention_sweep', 'retention_sweep', sweep_id, only_store, 'success', sweep_id,
                jsonb_build_object('olderThan', cutoff, 'deleted', deleted));
        RETURN deleted;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`DROP FUNCTION ${t('sweep_audit_events')}(timestamptz, text, text)`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION ${t('audit_events_append_only')}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
      END
      $$`);
  }
}
