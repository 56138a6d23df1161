import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tableIn } from '@tessera/db';

/**
 * Uploaded files are kept in the store node's bucket: each upload record says where (bucket,
 * object key) and what (size, sha256). Records from before object storage, and refused uploads
 * (whose bytes were removed), have no object key.
 */
export class KeepUploadedFiles1764700000000 implements MigrationInterface {
  name = 'KeepUploadedFiles1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const files = tableIn(queryRunner, 'files');
    await queryRunner.query(`ALTER TABLE ${files} ADD COLUMN bucket text, ADD COLUMN object_key text, ADD COLUMN size_bytes bigint, ADD COLUMN sha256 text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const files = tableIn(queryRunner, 'files');
    await queryRunner.query(`ALTER TABLE ${files} DROP COLUMN sha256, DROP COLUMN size_bytes, DROP COLUMN object_key, DROP COLUMN bucket`);
  }
}
