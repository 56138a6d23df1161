import assert from 'node:assert/strict';
import { ConfigError } from '@tessera/common';
import { loadSchedulerConfig, nodeStoreIdsOf, schedulerConfig, schedulerRoleConfigs, type SchedulerRole } from './scheduler.config';

/** What every role reads besides logs, traces, HTTP host, database and bus. */
const COMMON = ['SCHEDULER_ROLE', 'HTTP_PORT', 'GRPC_PORT', 'BOSS_SCHEMA', 'TICK_SECONDS', 'RUN_EXPIRE_SECONDS', 'RUN_RETRY_LIMIT', 'RUN_RETRY_DELAY_SECONDS', 'MAINTENANCE_SECONDS', 'POLLING_SECONDS', 'DATABASE_URL', 'DATABASE_SCHEMA', 'BUS_DRIVER', 'KAFKA_BROKERS', 'LOG_LEVEL'];
const HUB = ['FEDERATION_GRPC_URL', 'AUTH_GRPC_URL', 'RETENTION_AUDIT_DAYS', 'RETENTION_ROUND_ARTEFACTS_DAYS'];
const STORE_NODE = ['NODE_STORE_IDS', 'MINING_GRPC_URL', 'CUSTOMER_HASH_KEY', 'ERASURE_DEADLINE_DAYS', 'ERASURE_SERVICES', 'RETENTION_RAW_TRANSACTIONS_DAYS', 'RETENTION_UPLOADED_FILES_DAYS', 'DEMO_SCHEDULES'];

/** The database every role needs. */
const BASE = { DATABASE_URL: 'postgres://scheduler@127.0.0.1:5432/tessera' };
const variablesOf = (role: SchedulerRole) => schedulerRoleConfigs[role].describe().map((row) => row.variable);
/** The variables of a role beyond what the hub and the store node share. */
function ownOf(role: SchedulerRole): string[] {
  const shared = variablesOf('hub').filter((variable) => variablesOf('store-node').includes(variable));
  return variablesOf(role).filter((variable) => !shared.includes(variable)).sort();
}

describe('scheduler roles: the variables each role reads', () => {
  test('every role reads the common variables', () => {
    for (const role of ['hub', 'store-node', 'all'] as const) for (const variable of COMMON) assert.ok(variablesOf(role).includes(variable), `${role} lacks ${variable}`);
  });

  test('the hub reads exactly its own: no mining, no customer hash key, no erasure, no store data retention, no demo schedules', () => {
    assert.deepEqual(ownOf('hub'), [...HUB].sort());
    for (const variable of ['MINING_GRPC_URL', 'CUSTOMER_HASH_KEY', 'ERASURE_DEADLINE_DAYS', 'ERASURE_SERVICES', 'RETENTION_RAW_TRANSACTIONS_DAYS', 'RETENTION_UPLOADED_FILES_DAYS', 'DEMO_SCHEDULES', 'NODE_STORE_IDS']) assert.ok(!variablesOf('hub').includes(variable), variable);
    const config = loadSchedulerConfig({ ...BASE, SCHEDULER_ROLE: 'hub', MINING_GRPC_URL: 'mining.store-a:50053', CUSTOMER_HASH_KEY: 'secret' });
    assert.equal(config.SCHEDULER_ROLE, 'hub');
    assert.ok(!('MINING_GRPC_URL' in config) && !('CUSTOMER_HASH_KEY' in config), 'the hub ignores store node variables');
    assert.equal(nodeStoreIdsOf(config), null);
  });

  test('the store node reads exactly its own: no coordinator, no auth service', () => {
    assert.deepEqual(ownOf('store-node'), [...STORE_NODE].sort());
    for (const variable of ['FEDERATION_GRPC_URL', 'AUTH_GRPC_URL', 'RETENTION_AUDIT_DAYS', 'RETENTION_ROUND_ARTEFACTS_DAYS']) assert.ok(!variablesOf('store-node').includes(variable), variable);
    const config = loadSchedulerConfig({ ...BASE, SCHEDULER_ROLE: 'store-node', NODE_STORE_IDS: ' store-a, store-b ,store-a', FEDERATION_GRPC_URL: 'hub:50054' });
    assert.ok(!('FEDERATION_GRPC_URL' in config) && !('AUTH_GRPC_URL' in config));
    assert.deepEqual(nodeStoreIdsOf(config), ['store-a', 'store-b']);
  });

  test('all is the union (the all-in-one default), without NODE_STORE_IDS', () => {
    assert.deepEqual(ownOf('all'), [...HUB, ...STORE_NODE].filter((variable) => variable !== 'NODE_STORE_IDS').sort());
    assert.equal(schedulerRoleConfigs.all, schedulerConfig);
    const config = loadSchedulerConfig({ ...BASE });
    assert.equal(config.SCHEDULER_ROLE, 'all');
    assert.equal(nodeStoreIdsOf(config), null);
  });

  test('a store node without NODE_STORE_IDS, or with an empty or bad list, fails naming NODE_STORE_IDS', () => {
    for (const value of [undefined, '', ' , ', 'store-a,bad store']) {
      assert.throws(
        () => loadSchedulerConfig({ ...BASE, SCHEDULER_ROLE: 'store-node', ...(value === undefined ? {} : { NODE_STORE_IDS: value }) }),
        (error: unknown) => error instanceof ConfigError && error.problems.map((p) => p.variable).join() === 'NODE_STORE_IDS',
        JSON.stringify(value),
      );
    }
  });

  test("a store node's DEMO_SCHEDULES outside NODE_STORE_IDS fails naming DEMO_SCHEDULES", () => {
    assert.throws(
      () => loadSchedulerConfig({ ...BASE, SCHEDULER_ROLE: 'store-node', NODE_STORE_IDS: 'store-a', DEMO_SCHEDULES: 'store-a,store-c' }),
      (error: unknown) => error instanceof ConfigError && error.problems.length === 1 && error.problems[0].variable === 'DEMO_SCHEDULES' && /store-c/.test(error.message),
    );
    assert.equal((loadSchedulerConfig({ ...BASE, SCHEDULER_ROLE: 'store-node', NODE_STORE_IDS: 'store-a', DEMO_SCHEDULES: 'store-a' }) as { DEMO_SCHEDULES: string }).DEMO_SCHEDULES, 'store-a');
  });

  test('a bad role fails naming SCHEDULER_ROLE', () => {
    assert.throws(() => loadSchedulerConfig({ ...BASE, SCHEDULER_ROLE: 'store' }), (error: unknown) => error instanceof ConfigError && /SCHEDULER_ROLE: must be one of hub, store-node, all/.test(error.message));
  });
});
