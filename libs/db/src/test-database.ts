import { randomBytes } from 'node:crypto';

/** The real Postgres that scripts/infra/up.sh brings up for integration tests. */
export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tessera_test';
}

/** A schema name of its own for one test, so tests never share or clean tables. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_t${randomBytes(5).toString('hex')}`;
}

/**
 * The S3-compatible object store scripts/infra/up.sh brings up for tests (Adobe S3Mock,
 * 127.0.0.1:9090): the S3_* variables every test stack with an ingestion service passes.
 */
export function testObjectStorageEnv(): { S3_ENDPOINT: string; S3_ACCESS_KEY: string; S3_SECRET_KEY: string } {
  return { S3_ENDPOINT: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9090', S3_ACCESS_KEY: process.env.S3_ACCESS_KEY ?? 'tessera-test', S3_SECRET_KEY: process.env.S3_SECRET_KEY ?? 'tessera-test-secret' };
}
