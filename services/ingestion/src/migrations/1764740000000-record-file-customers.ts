import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

/**
 * Which uploaded files held rows of which customer, so erasure can delete the kept objects that
 * carry a customer's raw lines. `transactions.file_id` names only the first file that stored a
 * row: a second upload of the same rows counts them as duplicates and would otherwise escape.
 * The backfill recovers what `transactions` knows (first files only; duplicates uploaded before
 * this migration were never recorded) and skips file ids whose record retention already deleted.
 */
export class RecordFileCustomers1764740000000 implements MigrationInterface {
  name = 'RecordFileCustomers1764740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const t = (name: string) => tableIn(queryRunner, name);
    await queryRunner.query(`
      CREATE TABLE ${t('file_customers')} (
        file_id uuid NOT NULL REFERENCES ${t('files')} (file_id) ON DELETE CASCADE,
        customer_hash text NOT NULL,
        PRIMARY KEY (file_id, customer_hash)
      )`);
    await queryRunner.query(`CREATE INDEX file_customers_customer ON ${t('file_customers')} (customer_hash)`);
    await queryRunner.query(`
      INSERT INTO ${t('file_customers')} (file_id, customer_hash)
      SELECT DISTINCT tx.file_id, tx.customer_hash FROM ${t('transactions')} tx JOIN ${t('files')} f ON f.file_id = tx.file_id
      WHERE tx.customer_hash IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${tableIn(queryRunner, 'file_customers')}`);
  }
}
