import { randomBytes } from 'node:crypto';

/** The real Postgres that scripts/infra/up.sh brings up for integration tests. */
export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tessera_test';
}

/** A schema name of its own for one test, so tests never share or clean tables. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_t${randomBytes(5).toString('hex')}`;
}
