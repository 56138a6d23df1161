import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';

export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tessera_test';

/** A short random suffix so each test has its own stores, topics and consumer groups. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export function testPool(): Pool {
  return new Pool({ connectionString: DATABASE_URL, max: 4 });
}

/**
 * The S3-compatible object store scripts/infra/up.sh brings up (Adobe S3Mock): the S3_* every
 * ingestion process of a stack gets (uploaded files are written there before parsing).
 */
export const S3_ENV: Record<'S3_ENDPOINT' | 'S3_ACCESS_KEY' | 'S3_SECRET_KEY', string> = {
  S3_ENDPOINT: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9090',
  S3_ACCESS_KEY: process.env.S3_ACCESS_KEY ?? 'tessera-test',
  S3_SECRET_KEY: process.env.S3_SECRET_KEY ?? 'tessera-test-secret',
};
