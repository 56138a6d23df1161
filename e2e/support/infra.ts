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
