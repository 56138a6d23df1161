import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

/**
 * Store API keys live on the store node (they used to be the hub's auth service's): a POS keeps
 * posting events while the hub is unreachable. Only the SHA-256 of a key is kept (32 bytes),
 * with a short prefix of it to find the candidates and to recognise the key in a list.
 */
export class CreateApiKeys1764720000000 implements MigrationInterface {
  name = 'CreateApiKeys1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`
      CREATE TABLE ${t('api_keys')} (
        id uuid PRIMARY KEY,
        store_id text NOT NULL,
        name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
        prefix text NOT NULL,
        key_hash bytea NOT NULL CHECK (octet_length(key_hash) = 32),
        scopes text[] NOT NULL CHECK (cardinality(scopes) >= 1 AND scopes <@ ARRAY['ingestion']::text[]),
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_store ON ${t('api_keys')} (store_id, created_at)`);
    await queryRunner.query(`CREATE INDEX api_keys_prefix ON ${t('api_keys')} (prefix)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${tableIn(queryRunner, 'api_keys')}`);
  }
}
