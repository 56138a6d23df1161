import { ConfigError, busVariables, databaseVariables, defineConfig, httpVariables, nodeStoreIdsVariable, observabilityVariables, storeIdsIn, vars } from '@tessera/common';

/**
 * The scheduler runs in one of three roles (docs/scheduler.md, "Roles"):
 * - hub: the consortium's recurring work: federated rounds, consortium insights refreshes,
 *   retention of the hub's data (audit events, round artefacts). It has no variable that
 *   reaches a store node's service or a customer id's hash key.
 * - store-node: one store node's work, next to its services: the stores' mining, their
 *   insights refreshes, retention of raw transactions and uploaded files, and data-subject
 *   erasure, for the stores in NODE_STORE_IDS only; audit reports are logged as `audit` lines.
 * - all: both in one process (the all-in-one `tessera start` and tests).
 */
export const SCHEDULER_ROLES = ['hub', 'store-node', 'all'] as const;
export type SchedulerRole = (typeof SCHEDULER_ROLES)[number];

const roleVariable = {
  SCHEDULER_ROLE: vars.oneOf(SCHEDULER_ROLES, { description: "Which scheduler this is: hub (rounds, consortium insights, retention of the hub's audit and round data), store-node (one node's mining, insights, retention of raw transactions and files, erasure; NODE_STORE_IDS) or all (both in one process: development and the all-in-one)", default: 'all' }),
};

/** Every role: ports, the job queue and its timing, the database, the bus, logs and traces. */
const commonVariables = {
  ...observabilityVariables,
  ...httpVariables,
  ...databaseVariables,
  ...busVariables,
  ...roleVariable,
  HTTP_PORT: vars.port({ description: 'HTTP port for health and metrics', default: '8087' }),
  GRPC_PORT: vars.port({ description: 'gRPC port of the scheduler service', default: '50057' }),
  BOSS_SCHEMA: vars.string({ description: "Postgres schema of the job queue (pg-boss's own tables)", default: 'scheduler_boss' }),
  TICK_SECONDS: vars.integer({ description: 'How often each replica looks for due runs (seconds); a run starts at most this late', default: '5', min: 1, max: 300 }),
  RUN_EXPIRE_SECONDS: vars.integer({ description: 'A run not finished this long after it started is taken as lost (its process died) and retried', default: '900', min: 1, max: 86400 }),
  RUN_RETRY_LIMIT: vars.integer({ description: 'Retries of a failed or lost run before it is marked failed', default: '2', min: 0, max: 20 }),
  RUN_RETRY_DELAY_SECONDS: vars.integer({ description: 'Delay before the first retry of a run, doubling per retry', default: '30', min: 0, max: 86400 }),
  MAINTENANCE_SECONDS: vars.integer({ description: 'How often the queue looks for lost runs (seconds)', default: '60', min: 1, max: 3600 }),
  POLLING_SECONDS: vars.integer({ description: 'How often an idle worker asks the queue for work (seconds)', default: '2', min: 1, max: 60 }),
};

/** The hub's services (the coordinator, the audit log) and the retention of the hub's own data. */
const hubVariables = {
  FEDERATION_GRPC_URL: vars.string({ description: 'host:port of the federation coordinator API, which runs scheduled rounds', default: '127.0.0.1:50054' }),
  AUTH_GRPC_URL: vars.string({ description: 'host:port of the auth service, where erasure and retention reports go to the audit log', default: '127.0.0.1:50051' }),
  RETENTION_AUDIT_DAYS: vars.integer({ description: 'Default age (days) after which a retention sweep deletes audit events', default: '400', min: 1 }),
  RETENTION_ROUND_ARTEFACTS_DAYS: vars.integer({ description: 'Default age (days) after which a retention sweep deletes round artefacts (participant rows of finished rounds, failed rounds; published results stay)', default: '30', min: 1 }),
};

/** A store node's own services (its mining, the customer hash key) and the retention and erasure of the stores' data. */
const storeNodeVariables = {
  MINING_GRPC_URL: vars.string({ description: "host:port of the (store node's) mining service, which runs scheduled mining jobs", default: '127.0.0.1:50053' }),
  CUSTOMER_HASH_KEY: vars.string({ description: "Ingestion's customer hash key (the same secret): turns an erasure request's customer id into the hash ingestion stores; empty refuses customer erasure", sensitive: true, default: '' }),
  ERASURE_DEADLINE_DAYS: vars.integer({ description: 'Days an erasure request may take before it is reported overdue (GDPR: one month)', default: '30', min: 1, max: 90 }),
  ERASURE_SERVICES: vars.string({ description: 'Comma-separated services that must confirm an erasure before it completes', default: 'ingestion,mining' }),
  RETENTION_RAW_TRANSACTIONS_DAYS: vars.integer({ description: 'Default age (days) after which a retention sweep deletes raw transactions', default: '730', min: 1 }),
  RETENTION_UPLOADED_FILES_DAYS: vars.integer({ description: 'Default age (days) after which a retention sweep deletes upload records and their row errors', default: '90', min: 1 }),
  DEMO_SCHEDULES: vars.string({ description: 'Comma-separated store ids that get a nightly mining schedule at boot, if they have none (the all-in-one demo)', default: '' }),
};

/** Which stores a store-node scheduler serves. */
const nodeStoresVariables = {
  NODE_STORE_IDS: nodeStoreIdsVariable('Comma-separated ids of the stores this node serves; schedules and erasure requests for any other store are refused'),
};

/** The all-in-one role (first: the default): the hub's and the store node's work in one process. */
export const schedulerConfig = defineConfig('scheduler', {
  ...commonVariables,
  ...hubVariables,
  ...storeNodeVariables,
});
export const schedulerHubConfig = defineConfig('scheduler', {
  ...commonVariables,
  ...hubVariables,
});
export const schedulerStoreNodeConfig = defineConfig('scheduler', {
  ...commonVariables,
  ...storeNodeVariables,
  ...nodeStoresVariables,
});

/** One definition per role, each documented by `npm run config:docs`. */
export const schedulerRoleConfigs = { hub: schedulerHubConfig, 'store-node': schedulerStoreNodeConfig, all: schedulerConfig } as const;

export type SchedulerHubConfig = ReturnType<typeof schedulerHubConfig.load>;
export type SchedulerStoreNodeConfig = ReturnType<typeof schedulerStoreNodeConfig.load>;
export type SchedulerAllConfig = ReturnType<typeof schedulerConfig.load>;
/** What any role's config holds (the variables every role shares); code reading a role's own variables narrows it. */
export type SchedulerConfig = SchedulerHubConfig | SchedulerStoreNodeConfig | SchedulerAllConfig;

const roleConfig = defineConfig('scheduler', roleVariable);

/**
 * Reads SCHEDULER_ROLE, then validates that role's variables (a bad value is a ConfigError
 * naming it); a store node's DEMO_SCHEDULES must name stores of its NODE_STORE_IDS.
 */
export function loadSchedulerConfig(env: Record<string, string | undefined> = process.env): SchedulerConfig {
  const { SCHEDULER_ROLE } = roleConfig.load(env);
  const config = schedulerRoleConfigs[SCHEDULER_ROLE].load(env);
  const served = nodeStoreIdsOf(config);
  if (served && 'DEMO_SCHEDULES' in config) {
    const foreign = config.DEMO_SCHEDULES.split(',').map((id) => id.trim()).filter((id) => id && !served.includes(id));
    if (foreign.length) throw new ConfigError('scheduler', [{ variable: 'DEMO_SCHEDULES', message: `names ${foreign.join(', ')}, not a store of this node (NODE_STORE_IDS: ${served.join(', ')})` }]);
  }
  return config;
}

/** The stores a store-node scheduler serves; null for a role that is not limited to some stores. */
export function nodeStoreIdsOf(config: SchedulerConfig): string[] | null {
  if (!('NODE_STORE_IDS' in config)) return null;
  return storeIdsIn(config.NODE_STORE_IDS);
}
