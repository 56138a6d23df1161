import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { createLogger } from '@tessera/common';
import { CoreModule } from '@tessera/nest-core';
import { gatewayRoleConfigs, loadGatewayConfig, type GatewayRole } from '../gateway.config';
import { GatewayModule } from '../gateway.module';
import { routeTable } from '../access/route-table';
import { declareObservabilityAccess } from '../access/observability-access';
import { INGESTION_CLIENT } from '../clients/ingestion.client';
import { FEDERATION_CLIENT, MINING_CLIENT, PRIVACY_CLIENT } from '../clients/store-node.clients';
import { AUTH_CLIENT } from '../clients/auth.client';
import { INSIGHTS_HUB_CLIENT, INSIGHTS_NODE_CLIENT } from '../insights/insights.clients';
import { SCHEDULER_CLIENT } from '../schedules/scheduler.client';
import { HUB_LINK } from './hub-link/hub-link';

declareObservabilityAccess();

/** Routes that reach a store's raw data or its own numbers: only a store node (or the all-in-one process) serves them. */
const STORE_ROUTE = /^(GET|POST|PUT|DELETE) \/api\/(transactions|mining|privacy|api-keys|files)(\/|$)|^(GET|POST) \/api\/insights\/(?!consortium\/)/;
/** The hub's administration and coordination: never on a store node. */
const HUB_ADMIN_ROUTE = /^(GET|POST|DELETE) \/api\/(users|regions|audit)(\/|$)|^POST \/api\/stores|^POST \/api\/federated\/rounds\/start|^GET \/api\/federated\/rounds\/:id\/|^(GET|POST) \/api\/federated\/(stores|demand-series|price-responses)|^GET \/api\/auth\/keys$/;
/** Erasure works on a store's data, through the store node's scheduler: never on the hub. */
const ERASURE_ROUTE = /^(GET|POST) \/api\/erasure-requests(\/|$)/;
/** On both fronts, each through its own scheduler (SCHEDULER_GRPC_URL). */
const SCHEDULE_ROUTES = ['GET /api/schedules', 'POST /api/schedules', 'POST /api/schedules/:id/pause', 'POST /api/schedules/:id/resume', 'DELETE /api/schedules/:id', 'GET /api/jobs'];
const STORE_CLIENTS = [INGESTION_CLIENT, MINING_CLIENT, PRIVACY_CLIENT, INSIGHTS_NODE_CLIENT];
const HUB_CLIENTS = [AUTH_CLIENT, FEDERATION_CLIENT, INSIGHTS_HUB_CLIENT];

const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ENV = {
  JWT_VERIFY_KEYS: JSON.stringify([{ ...publicKey.export({ format: 'jwk' }), kid: 'roles-spec' }]),
  HUB_URL: 'http://127.0.0.1:1',
  NODE_STORE_IDS: 'store-a',
  NODE_TLS_MODE: 'plaintext',
  RATE_LIMIT_DRIVER: 'memory',
  LOG_LEVEL: 'silent',
};

interface Booted {
  app: INestApplication;
  routes: string[];
  providers: unknown[];
}

/** A role's app as Nest builds it (every provider instantiated), without listening or running init hooks. */
async function boot(role: GatewayRole): Promise<Booted> {
  const config = gatewayRoleConfigs[role].load({ ...ENV, GATEWAY_ROLE: role });
  const app = await NestFactory.create(
    { module: class RolesSpecModule {}, imports: [CoreModule.forService({ name: 'gateway-roles-spec', config, logger: createLogger('gateway-roles-spec', 'silent') }), GatewayModule.forRole(role)] },
    { logger: false, abortOnError: false },
  );
  const modules = [...app.get(ModulesContainer).values()];
  const controllers = modules.flatMap((module) => [...module.controllers.values()].map((wrapper) => wrapper.metatype as Type<unknown>));
  const providers = modules.flatMap((module) => [...module.providers.keys()]);
  return { app, routes: routeTable(controllers).map((route) => route.key), providers };
}

describe('gateway roles: what a booted app of each role serves and holds', () => {
  const booted = {} as Record<GatewayRole, Booted>;
  beforeAll(async () => {
    for (const role of ['hub', 'store-node', 'all'] as const) booted[role] = await boot(role);
  });
  afterAll(async () => {
    for (const app of Object.values(booted)) await app.app.close();
  });

  test('the hub serves no store route and holds no client of a store node service', () => {
    const { routes, providers } = booted.hub;
    assert.deepEqual(routes.filter((route) => STORE_ROUTE.test(route)), []);
    assert.deepEqual(routes.filter((route) => ERASURE_ROUTE.test(route)), [], 'erasure requests are made on the store node');
    for (const client of STORE_CLIENTS) assert.ok(!providers.includes(client), `the hub holds ${String(client)}`);
    assert.ok(!providers.includes(HUB_LINK));
    // It does serve what it is for.
    for (const route of ['POST /api/auth/login', 'GET /api/auth/keys', 'GET /api/users', 'POST /api/federated/rounds/start', 'GET /api/federated/global-patterns', 'GET /api/insights/consortium/bundles', 'GET /api/audit', 'GET /api/schedules']) assert.ok(routes.includes(route), route);
    for (const route of SCHEDULE_ROUTES) assert.ok(routes.includes(route), route);
    for (const client of [...HUB_CLIENTS, SCHEDULER_CLIENT]) assert.ok(providers.includes(client), `the hub lacks ${String(client)}`);
  });

  test("the hub's configuration has no variable that names a store node service", () => {
    const variables = gatewayRoleConfigs.hub.describe().map((row) => row.variable);
    for (const variable of ['INGESTION_GRPC_URL', 'MINING_GRPC_URL', 'PRIVACY_GRPC_URL', 'INSIGHTS_GRPC_URL', 'MAX_UPLOAD_BYTES', 'HUB_URL']) assert.ok(!variables.includes(variable), variable);
    assert.ok(variables.includes('NODE_API_PORT') && variables.includes('NODE_TLS_MODE'));
    // And the all role is the union of the hub's and the store node's own services.
    const all = gatewayRoleConfigs.all.describe().map((row) => row.variable);
    for (const variable of ['INGESTION_GRPC_URL', 'AUTH_GRPC_URL', 'JWT_VERIFY_KEYS', 'NODE_API_PORT']) assert.ok(all.includes(variable), variable);
    assert.equal(gatewayRoleConfigs.all.describe().find((row) => row.variable === 'NODE_API_PORT')?.default, '0', 'the all-in-one process opens no node front by default');
  });

  test("the store node's configuration names its own scheduler, and no hub service", () => {
    const variables = gatewayRoleConfigs['store-node'].describe().map((row) => row.variable);
    assert.ok(variables.includes('SCHEDULER_GRPC_URL'));
    for (const variable of ['AUTH_GRPC_URL', 'FEDERATION_GRPC_URL', 'INSIGHTS_HUB_GRPC_URL', 'JWT_VERIFY_KEYS', 'NODE_API_PORT']) assert.ok(!variables.includes(variable), variable);
    const config = gatewayRoleConfigs['store-node'].load({ ...ENV, GATEWAY_ROLE: 'store-node', SCHEDULER_GRPC_URL: 'scheduler.node-a:50057' });
    assert.equal(config.SCHEDULER_GRPC_URL, 'scheduler.node-a:50057');
    assert.equal(gatewayRoleConfigs['store-node'].load({ ...ENV, GATEWAY_ROLE: 'store-node' }).SCHEDULER_GRPC_URL, '127.0.0.1:50057');
  });

  test('the store node serves no hub administration route and holds no hub service client', () => {
    const { routes, providers } = booted['store-node'];
    assert.deepEqual(routes.filter((route) => HUB_ADMIN_ROUTE.test(route)), []);
    for (const client of HUB_CLIENTS) assert.ok(!providers.includes(client), `the store node holds ${String(client)}`);
    for (const route of ['POST /api/auth/login', 'GET /api/auth/me', 'POST /api/transactions/upload', 'POST /api/transactions/events', 'GET /api/transactions', 'POST /api/mining/start', 'GET /api/privacy/budget', 'POST /api/api-keys', 'GET /api/insights/forecasts', 'GET /api/insights/stock-alerts', 'GET /api/federated/global-patterns', 'GET /api/insights/consortium/bundles', 'GET /api/stores', 'GET /api/federated/rounds', 'GET /api/federated/rounds/events', 'GET /api/federated/rounds/:id']) {
      assert.ok(routes.includes(route), route);
    }
    // Its own scheduler's schedules and jobs, and erasure requests.
    for (const route of [...SCHEDULE_ROUTES, 'POST /api/erasure-requests', 'GET /api/erasure-requests/:id']) assert.ok(routes.includes(route), route);
    for (const client of [...STORE_CLIENTS, SCHEDULER_CLIENT]) assert.ok(providers.includes(client), `the store node lacks ${String(client)}`);
    assert.ok(providers.includes(HUB_LINK));
  });

  test('the all role serves both: every hub route and every store route, signing in locally', () => {
    const all = new Set(booted.all.routes);
    for (const route of booted.hub.routes) assert.ok(all.has(route), route);
    for (const route of booted['store-node'].routes) assert.ok(all.has(route), route);
    assert.ok(!booted.all.providers.includes(HUB_LINK));
  });

  test('GATEWAY_ROLE picks the definition; a bad role or a store node without its hub link is a ConfigError naming the variable', () => {
    assert.equal(loadGatewayConfig({ ...ENV }).GATEWAY_ROLE, 'all');
    assert.equal(loadGatewayConfig({ ...ENV, GATEWAY_ROLE: 'hub' }).GATEWAY_ROLE, 'hub');
    assert.throws(() => loadGatewayConfig({ ...ENV, GATEWAY_ROLE: 'store' }), /GATEWAY_ROLE.*must be one of hub, store-node, all/s);
    assert.throws(() => loadGatewayConfig({ JWT_VERIFY_KEYS: ENV.JWT_VERIFY_KEYS, GATEWAY_ROLE: 'store-node' }), (error: Error) => /HUB_URL/.test(error.message) && /NODE_STORE_IDS/.test(error.message));
    // The store list is the scheduler's definition too (libs/common nodeStoreIdsVariable): every id checked, repeats dropped.
    const node = { ...ENV, GATEWAY_ROLE: 'store-node', HUB_URL: 'http://127.0.0.1:8443', NODE_TLS_MODE: 'plaintext' };
    assert.throws(() => loadGatewayConfig({ ...node, NODE_STORE_IDS: 'store-a,not a store' }), /NODE_STORE_IDS.*"not a store" is not a store id/s);
    assert.throws(() => loadGatewayConfig({ ...node, NODE_STORE_IDS: ' , ' }), /NODE_STORE_IDS.*at least one store id/s);
    assert.equal((loadGatewayConfig({ ...node, NODE_STORE_IDS: 'store-a, store-b,store-a' }) as { NODE_STORE_IDS: string }).NODE_STORE_IDS, 'store-a,store-b');
  });
});
