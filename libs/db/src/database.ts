import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';

export interface DatabaseOptions {
  url: string;
  /** The one Postgres schema this service owns; created if missing. */
  schema: string;
  entities?: MixedList<Function | string | EntitySchema>;
  migrations: MixedList<Function | string>;
  poolSize?: number;
  applicationName?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A stable advisory-lock key per schema, so replicas booting together migrate one at a time. */
function migrationLockKey(schema: string): string {
  return BigInt.asIntN(64, BigInt('0x' + createHash('sha256').update(`tessera-migrations:${schema}`).digest('hex').slice(0, 16))).toString();
}

/**
 * Opens the service's data source on its own schema and applies its migrations
 * (never `synchronize`). Migrations run under a Postgres advisory lock.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  if (!SCHEMA_NAME.test(options.schema)) throw new Error(`invalid schema name "${options.schema}"`);
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: options.applicationName ?? `tessera-${options.schema}`,
    extra: { max: options.poolSize ?? 10 },
  });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  const key = migrationLockKey(options.schema);
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [key]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    await runner.release();
  }
  return dataSource;
}

export async function pingDatabase(dataSource: DataSource): Promise<void> {
  if (!dataSource.isInitialized) throw new Error('database not initialised');
  await dataSource.query('SELECT 1');
}

/** The schema a data source (or a migration's query runner) works in. */
export function schemaOf(source: DataSource | { connection: DataSource }): string {
  const dataSource = source instanceof DataSource ? source : source.connection;
  const schema = (dataSource.options as { schema?: string }).schema;
  if (!schema || !SCHEMA_NAME.test(schema)) throw new Error('the data source has no valid schema');
  return schema;
}

/**
 * A schema-qualified table name for raw SQL. Every query names its schema explicitly:
 * in the embedded mode all services share one PGlite session, so search_path cannot be
 * relied on to keep a service inside its own schema.
 */
export function tableIn(source: DataSource | { connection: DataSource }, table: string): string {
  return `"${schemaOf(source)}"."${table}"`;
}
