import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

export class CreateIdentities1732500000000 implements MigrationInterface {
  name = 'CreateIdentities1732500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    // The store's long-term Ed25519 identity for federation, generated on the node.
    await queryRunner.query(`
      CREATE TABLE ${t('identities')} (
        store_id text PRIMARY KEY,
        private_seed bytea NOT NULL CHECK (length(private_seed) = 32),
        public_key bytea NOT NULL CHECK (length(public_key) = 32),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${tableIn(queryRunner, 'identities')}`);
  }
}
