import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Pool } from 'pg';
import { createInProcessBus } from '@tessera/bus';
import { testDatabaseUrl, uniqueSchema } from '@tessera/db';
import { schedulerV1 } from '@tessera/proto';
import { startSchedulerService, type SchedulerService } from './main';
import { AUTH_CLIENT, FEDERATION_CLIENT, MINING_CLIENT } from './scheduler.tokens';
import { MiningRunHandler } from './kinds/mining.handler';
import { RoundRunHandler } from './kinds/round.handler';
import { RunExecutorService } from './run-executor.service';

/**
 * A hub scheduler and a store-node scheduler (SCHEDULER_ROLE), each on its own schema of one
 * real Postgres, called over their real gRPC servers: each refuses the kinds (and data
 * classes) the other runs with INVALID_ARGUMENT naming the kind and the role; the store node
 * refuses schedules and erasure for a store outside NODE_STORE_IDS with PERMISSION_DENIED
 * naming the store; only the clients and run handlers a role uses exist.
 */
const bus = createInProcessBus();
const pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
const schemas = { hub: uniqueSchema('sched_hub'), hubBoss: uniqueSchema('boss_hub'), node: uniqueSchema('sched_node'), nodeBoss: uniqueSchema('boss_node') };
let hub: SchedulerService;
let node: SchedulerService;
let hubClient: schedulerV1.SchedulerServiceClient;
let nodeClient: schedulerV1.SchedulerServiceClient;

const env = (extra: Record<string, string>) => ({ DATABASE_URL: testDatabaseUrl(), BUS_DRIVER: 'memory', LOG_LEVEL: 'silent', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', TICK_SECONDS: '300', ...extra });
function call<Req, Res>(target: schedulerV1.SchedulerServiceClient, method: (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((ok, fail) => method.call(target, request, (error: grpc.ServiceError | null, response: Res) => (error ? fail(error) : ok(response))));
}
const createSchedule = (client: schedulerV1.SchedulerServiceClient, request: Partial<schedulerV1.CreateScheduleRequest>) =>
  call<schedulerV1.CreateScheduleRequest, schedulerV1.CreateScheduleResponse>(client, client.createSchedule, { kind: '', cron: '0 2 * * *', storeId: '', parametersJson: '{}', createdBy: 'roles-spec', description: '', ...request });
const createErasure = (client: schedulerV1.SchedulerServiceClient, request: Partial<schedulerV1.CreateErasureRequestRequest>) =>
  call<schedulerV1.CreateErasureRequestRequest, schedulerV1.CreateErasureRequestResponse>(client, client.createErasureRequest, { scope: 'store', storeId: '', customerId: '', requestedBy: 'roles-spec', deadlineDays: 0, ...request });
async function refusal(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  assert.fail('the call succeeded');
}
/** Whether the app holds a provider (Nest throws for an unknown token). */
function holds(service: SchedulerService, token: unknown): boolean {
  try {
    return service.app.get(token as never, { strict: false }) !== undefined;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  // No coordinator, auth or mining service listens here: clients connect lazily, and no test runs a schedule.
  hub = await startSchedulerService(env({ SCHEDULER_ROLE: 'hub', BOSS_SCHEMA: schemas.hubBoss, FEDERATION_GRPC_URL: '127.0.0.1:1', AUTH_GRPC_URL: '127.0.0.1:1', MINING_GRPC_URL: '127.0.0.1:1' }), { bus, schema: schemas.hub });
  node = await startSchedulerService(env({ SCHEDULER_ROLE: 'store-node', NODE_STORE_IDS: 'store-a,store-b', BOSS_SCHEMA: schemas.nodeBoss, MINING_GRPC_URL: '127.0.0.1:1', CUSTOMER_HASH_KEY: 'roles-spec-key-0123456789abcdef0123' }), { bus, schema: schemas.node });
  hubClient = new schedulerV1.SchedulerServiceClient(`127.0.0.1:${hub.grpcPort}`, grpc.credentials.createInsecure());
  nodeClient = new schedulerV1.SchedulerServiceClient(`127.0.0.1:${node.grpcPort}`, grpc.credentials.createInsecure());
});

afterAll(async () => {
  hubClient?.close();
  nodeClient?.close();
  await hub?.close();
  await node?.close();
  await bus.close();
  for (const schema of Object.values(schemas)) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
});

describe('the hub scheduler (SCHEDULER_ROLE=hub)', () => {
  test('refuses a mining schedule with INVALID_ARGUMENT naming the kind and the role, and stores nothing', async () => {
    const error = await refusal(createSchedule(hubClient, { kind: 'mining', storeId: 'store-a', parametersJson: JSON.stringify({ minUtility: '1%' }) }));
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error.details, /mining is not run by the hub scheduler/);
    const { schedules } = await call<schedulerV1.ListSchedulesRequest, schedulerV1.ListSchedulesResponse>(hubClient, hubClient.listSchedules, { storeIds: [], includeHubWide: true });
    assert.deepEqual(schedules.filter((s) => s.kind === 'mining'), []);
  });

  test("refuses a retention sweep of a store's data, naming the data class and the role", async () => {
    const error = await refusal(createSchedule(hubClient, { kind: 'retention_sweep', parametersJson: JSON.stringify({ dataClass: 'raw_transactions' }) }));
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error.details, /retention_sweep of raw_transactions is not run by the hub scheduler/);
  });

  test('takes rounds, consortium insights refreshes and retention of audit events', async () => {
    for (const request of [{ kind: 'federated_round' }, { kind: 'insights_refresh' }, { kind: 'retention_sweep', parametersJson: JSON.stringify({ dataClass: 'audit' }) }]) {
      const { schedule } = await createSchedule(hubClient, request);
      assert.equal(schedule!.kind, request.kind);
    }
  });

  test('answers erasure with FAILED_PRECONDITION (erasure is the store node\'s)', async () => {
    const error = await refusal(createErasure(hubClient, { storeId: 'store-a' }));
    assert.equal(error.code, grpc.status.FAILED_PRECONDITION);
    assert.match(error.details, /store node's scheduler/);
  });

  test('holds no mining client or mining handler; has the coordinator and auth clients', () => {
    assert.equal(holds(hub, MINING_CLIENT), false);
    assert.equal(holds(hub, MiningRunHandler), false);
    assert.equal(holds(hub, FEDERATION_CLIENT), true);
    assert.equal(holds(hub, AUTH_CLIENT), true);
    assert.deepEqual(hub.app.get(RunExecutorService).kinds(), ['federated_round', 'insights_refresh', 'retention_sweep']);
  });

  test('an old mining schedule in its database (from before the role) is not planned', async () => {
    const scheduleId = randomUUID();
    await pool.query(`INSERT INTO "${schemas.hub}".schedules (schedule_id, kind, cron, store_id, parameters, description, created_by, planned_since) VALUES ($1, 'mining', '* * * * *', 'store-a', '{}'::jsonb, '', 'legacy', now() - interval '1 hour')`, [scheduleId]);
    await hub.planner.tick();
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schemas.hub}".runs WHERE schedule_id = $1`, [scheduleId]);
    assert.equal(rows[0].n, 0);
  });
});

describe('the store-node scheduler (SCHEDULER_ROLE=store-node, NODE_STORE_IDS=store-a,store-b)', () => {
  test('refuses a round with INVALID_ARGUMENT naming the kind and the role', async () => {
    const error = await refusal(createSchedule(nodeClient, { kind: 'federated_round' }));
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error.details, /federated_round is not run by the store-node scheduler/);
  });

  test("refuses the hub's retention (audit events) naming the data class and the role", async () => {
    const error = await refusal(createSchedule(nodeClient, { kind: 'retention_sweep', parametersJson: JSON.stringify({ dataClass: 'audit' }) }));
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error.details, /retention_sweep of audit is not run by the store-node scheduler/);
  });

  test('refuses mining and erasure for a store outside NODE_STORE_IDS with PERMISSION_DENIED naming the store', async () => {
    const mining = await refusal(createSchedule(nodeClient, { kind: 'mining', storeId: 'store-c' }));
    assert.equal(mining.code, grpc.status.PERMISSION_DENIED);
    assert.match(mining.details, /store store-c is not served by this store-node scheduler/);
    const erasure = await refusal(createErasure(nodeClient, { scope: 'customer', storeId: 'store-c', customerId: 'C-1' }));
    assert.equal(erasure.code, grpc.status.PERMISSION_DENIED);
    assert.match(erasure.details, /store store-c is not served/);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schemas.node}".erasure_requests`);
    assert.equal(rows[0].n, 0);
  });

  test("takes its stores' mining, insights, retention of raw transactions, and erasure", async () => {
    const { schedule } = await createSchedule(nodeClient, { kind: 'mining', storeId: 'store-a', parametersJson: JSON.stringify({ topK: 10 }) });
    assert.equal(schedule!.storeId, 'store-a');
    await createSchedule(nodeClient, { kind: 'insights_refresh' });
    await createSchedule(nodeClient, { kind: 'retention_sweep', storeId: 'store-b', parametersJson: JSON.stringify({ dataClass: 'raw_transactions' }) });
    const { request } = await createErasure(nodeClient, { scope: 'customer', storeId: 'store-b', customerId: 'C-1' });
    assert.equal(request!.storeId, 'store-b');
    assert.equal(request!.scope, 'customer');
  });

  test('holds no coordinator or auth client, nor a round handler; has its mining client', () => {
    assert.equal(holds(node, FEDERATION_CLIENT), false);
    assert.equal(holds(node, AUTH_CLIENT), false);
    assert.equal(holds(node, RoundRunHandler), false);
    assert.equal(holds(node, MINING_CLIENT), true);
    assert.deepEqual(node.app.get(RunExecutorService).kinds(), ['insights_refresh', 'mining', 'retention_sweep']);
  });
});
