import { busVariables, databaseVariables, defineConfig, httpVariables, observabilityVariables, vars } from '@tessera/common';

/** Configuration of the scheduler service: recurring mining, rounds, refreshes, retention and erasure (hub). */
export const schedulerConfig = defineConfig('scheduler', {
  ...observabilityVariables,
  ...httpVariables,
  ...databaseVariables,
  ...busVariables,
  HTTP_PORT: vars.port({ description: 'HTTP port for health and metrics', default: '8087' }),
  GRPC_PORT: vars.port({ description: 'gRPC port of the scheduler service', default: '50057' }),
  BOSS_SCHEMA: vars.string({ description: "Postgres schema of the job queue (pg-boss's own tables)", default: 'scheduler_boss' }),
  MINING_GRPC_URL: vars.string({ description: 'host:port of the mining service, which runs scheduled mining jobs', default: '127.0.0.1:50053' }),
  FEDERATION_GRPC_URL: vars.string({ description: 'host:port of the federation coordinator API, which runs scheduled rounds', default: '127.0.0.1:50054' }),
  AUTH_GRPC_URL: vars.string({ description: 'host:port of the auth service, where erasure reports go to the audit log', default: '127.0.0.1:50051' }),
  TICK_SECONDS: vars.integer({ description: 'How often each replica looks for due runs (seconds); a run starts at most this late', default: '5', min: 1, max: 300 }),
  RUN_EXPIRE_SECONDS: vars.integer({ description: 'A run not finished this long after it started is taken as lost (its process died) and retried', default: '900', min: 1, max: 86400 }),
  RUN_RETRY_LIMIT: vars.integer({ description: 'Retries of a failed or lost run before it is marked failed', default: '2', min: 0, max: 20 }),
  RUN_RETRY_DELAY_SECONDS: vars.integer({ description: 'Delay before the first retry of a run, doubling per retry', default: '30', min: 0, max: 86400 }),
  MAINTENANCE_SECONDS: vars.integer({ description: 'How often the queue looks for lost runs (seconds)', default: '60', min: 1, max: 3600 }),
  POLLING_SECONDS: vars.integer({ description: 'How often an idle worker asks the queue for work (seconds)', default: '2', min: 1, max: 60 }),
  CUSTOMER_HASH_KEY: vars.string({ description: "Ingestion's customer hash key (the same secret): turns an erasure request's customer id into the hash ingestion stores; empty refuses customer erasure", sensitive: true, default: '' }),
  ERASURE_DEADLINE_DAYS: vars.integer({ description: 'Days an erasure request may take before it is reported overdue (GDPR: one month)', default: '30', min: 1, max: 90 }),
  ERASURE_SERVICES: vars.string({ description: 'Comma-separated services that must confirm an erasure before it completes', default: 'ingestion,mining' }),
  RETENTION_RAW_TRANSACTIONS_DAYS: vars.integer({ description: 'Default age (days) after which a retention sweep deletes raw transactions', default: '730', min: 1 }),
  RETENTION_UPLOADED_FILES_DAYS: vars.integer({ description: 'Default age (days) after which a retention sweep deletes upload records and their row errors', default: '90', min: 1 }),
  RETENTION_AUDIT_DAYS: vars.integer({ description: 'Default age (days) after which a retention sweep deletes audit events', default: '400', min: 1 }),
  RETENTION_ROUND_ARTEFACTS_DAYS: vars.integer({ description: 'Default age (days) after which a retention sweep deletes round artefacts (participant rows of finished rounds, failed rounds; published results stay)', default: '30', min: 1 }),
  DEMO_SCHEDULES: vars.string({ description: 'Comma-separated store ids that get a nightly mining schedule at boot, if they have none (the all-in-one demo)', default: '' }),
});

export type SchedulerConfig = ReturnType<typeof schedulerConfig.load>;
