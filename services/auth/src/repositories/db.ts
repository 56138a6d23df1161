import type { DataSource } from 'typeorm';
import { tableIn } from '@tessera/db';

/** What a repository needs to run SQL: the data source, or a transaction's entity manager. */
export interface Db {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

const TABLES = ['regions', 'stores', 'users', 'login_throttle', 'refresh_tokens', 'api_keys', 'audit_events'] as const;
export type AuthTables = Record<(typeof TABLES)[number], string>;

/** Schema-qualified table names (the embedded mode shares one session, so no search_path). */
export function authTables(dataSource: DataSource): AuthTables {
  return Object.fromEntries(TABLES.map((table) => [table, tableIn(dataSource, table)])) as AuthTables;
}

/** Postgres error codes the services turn into answers a user can act on. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23503';
}

/** TypeORM answers UPDATE and DELETE with [rows, count] and other statements with the rows. */
export function returnedRows<T = Record<string, unknown>>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
