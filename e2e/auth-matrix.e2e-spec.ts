/**
 * The authorization matrix, generated from the gateway's route table: every route x every
 * identity (store manager, regional coordinator, admin, store API key, each on its own
 * store and on another; no token; an expired token; a tampered token; the token of a
 * deleted user) answers exactly the status written below. A route without an entry here
 * fails the first test, so a new route cannot ship without its row.
 *
 * Auth, ingestion and the gateway run as separate processes on the real Postgres, Redis
 * and Kafka; allowed requests really reach the services.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ALL_GATEWAY_CONTROLLERS, declareObservabilityAccess, routeTable } from '@tessera/gateway-service';
import { uniqueId } from './support/infra';
import { createAndLogin, http, startAuthStack, type AuthStack, type CallOptions, type HttpAnswer, type Session } from './support/auth-stack';

type Holder = 'store_manager' | 'regional_coordinator' | 'admin' | 'api_key';
type BadCredential = 'no_token' | 'expired_token' | 'tampered_token' | 'deleted_user';
type Identity = Holder | BadCredential;
const HOLDERS: Holder[] = ['store_manager', 'regional_coordinator', 'admin', 'api_key'];
const BAD: BadCredential[] = ['no_token', 'expired_token', 'tampered_token', 'deleted_user'];

/** What a route's request needs: the store it targets, and the caller (for routes about the caller's own session). */
interface Target {
  storeId: string;
  who: Identity;
  /** A fresh session of the caller (for logout), when the caller is a user. */
  freshSession(): Promise<Session>;
}

interface Row {
  request(target: Target): Promise<{ method: string; path: string } & CallOptions>;
  /** [own store, other store] per credential holder; bad credentials get 401 (public routes: `publicStatus`). */
  expect: Record<Holder, [number, number]>;
  publicStatus?: number;
  /** Extra checks on an allowed answer. */
  check?(answer: HttpAnswer, target: Target): void;
}

const DENY: [number, number] = [403, 403];
const both = (status: number): [number, number] => [status, status];

let stack: AuthStack;
let port: number;
const region = uniqueId('region');
const ownStore = uniqueId('store-own');
const otherStore = uniqueId('store-other');
const credentials = {} as Record<Holder, { token?: string; apiKey?: string; email?: string; password?: string }>;
const bad = {} as Record<BadCredential, { token?: string }>;
const fixtureFiles = new Map<string, string>();
/** A mining job of the own store (routes about other stores are refused before the job is looked up). */
let fixtureJob = '';
/** A federated round (it fails at once: no store node is connected in this stack). */
let fixtureRound = '';
const loginUser = { email: '', password: '' };

const adminToken = () => stack.admin.session.token;
async function asAdmin(method: string, path: string, json?: unknown) {
  const answer = await http(port, method, path, { token: adminToken(), json });
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

function lineItemForm(storeId: string, invoice: string): FormData {
  const form = new FormData();
  form.append('storeId', storeId);
  form.append('format', 'lineitem-csv');
  form.append('file', new Blob([`InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n${invoice},85123A,MUG,2,2011-01-05 10:00:00,2.50,,France\n`]), 'basket.csv');
  return form;
}

/** A mining schedule of the store, made by the admin, for the routes that change one. */
const fixtureSchedule = async (storeId: string) => (await asAdmin('POST', '/api/schedules', { kind: 'mining', cron: '0 3 * * *', storeId })).id as string;

const MATRIX: Record<string, Row> = {
  'POST /api/auth/login': {
    request: async () => ({ method: 'POST', path: '/api/auth/login', json: loginUser }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: both(200) },
    publicStatus: 200,
    check: (answer) => assert.ok(answer.body.token && answer.body.user.role),
  },
  'POST /api/auth/refresh': {
    request: async () => ({ method: 'POST', path: '/api/auth/refresh', json: { refreshToken: (await stack.login(loginUser.email, loginUser.password)).refreshToken } }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: both(200) },
    publicStatus: 200,
  },
  'POST /api/auth/logout': {
    request: async (target) => ({ method: 'POST', path: '/api/auth/logout', json: { refreshToken: (await target.freshSession()).refreshToken } }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer) => assert.equal(answer.body.revoked, 1),
  },
  'GET /api/auth/keys': {
    request: async () => ({ method: 'GET', path: '/api/auth/keys' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: both(200) },
    publicStatus: 200,
    check: (answer) => assert.ok(answer.body.keys.length > 0 && answer.body.keys.every((key: Record<string, unknown>) => key.kid && !('d' in key))),
  },
  'GET /api/auth/me': {
    request: async () => ({ method: 'GET', path: '/api/auth/me' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer, target) => assert.equal(answer.body.user.role, target.who),
  },
  'POST /api/auth/password': {
    // A policy-violating new password: proves the route reaches the auth service without changing anything.
    request: async (target) => ({ method: 'POST', path: '/api/auth/password', json: { currentPassword: credentials[target.who as Holder]?.password ?? 'x', newPassword: 'short' } }),
    expect: { store_manager: both(400), regional_coordinator: both(400), admin: both(400), api_key: DENY },
    check: (answer) => assert.match(JSON.stringify(answer.body), /new password is not accepted/),
  },
  'POST /api/api-keys': {
    request: async ({ storeId }) => ({ method: 'POST', path: '/api/api-keys', json: { storeId, name: 'matrix' } }),
    expect: { store_manager: [201, 403], regional_coordinator: DENY, admin: both(201), api_key: DENY },
    check: (answer, target) => assert.equal(answer.body.apiKey.storeId, target.storeId),
  },
  'GET /api/api-keys': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/api-keys?storeId=${storeId}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: both(200), api_key: DENY },
    check: (answer) => assert.ok(answer.body.apiKeys.every((k: { storeId: string; key?: string }) => k.key === undefined), 'keys are never listed'),
  },
  'DELETE /api/api-keys/:apiKeyId': {
    request: async ({ storeId }) => ({ method: 'DELETE', path: `/api/api-keys/${(await asAdmin('POST', '/api/api-keys', { storeId, name: 'to revoke' })).apiKey.id}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: both(200), api_key: DENY },
    check: (answer) => assert.ok(answer.body.apiKey.revokedAt),
  },
  'GET /api/users': {
    request: async () => ({ method: 'GET', path: '/api/users' }),
    expect: { store_manager: DENY, regional_coordinator: DENY, admin: both(200), api_key: DENY },
  },
  'POST /api/users': {
    request: async ({ storeId }) => ({ method: 'POST', path: '/api/users', json: { email: `${uniqueId('made')}@e2e.example`, role: 'store_manager', storeId } }),
    expect: { store_manager: DENY, regional_coordinator: DENY, admin: both(201), api_key: DENY },
    check: (answer) => assert.match(answer.body.password, /^\S{20}$/),
  },
  'DELETE /api/users/:userId': {
    request: async ({ storeId }) => ({ method: 'DELETE', path: `/api/users/${(await asAdmin('POST', '/api/users', { email: `${uniqueId('gone')}@e2e.example`, role: 'store_manager', storeId })).user.id}` }),
    expect: { store_manager: DENY, regional_coordinator: DENY, admin: both(200), api_key: DENY },
  },
  'GET /api/regions': {
    request: async () => ({ method: 'GET', path: '/api/regions' }),
    expect: { store_manager: DENY, regional_coordinator: DENY, admin: both(200), api_key: DENY },
  },
  'POST /api/regions': {
    request: async () => ({ method: 'POST', path: '/api/regions', json: { id: uniqueId('r'), name: 'Matrix region' } }),
    expect: { store_manager: DENY, regional_coordinator: DENY, admin: both(201), api_key: DENY },
  },
  'GET /api/stores': {
    request: async () => ({ method: 'GET', path: '/api/stores' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer, target) => {
      const ids: string[] = answer.body.stores.map((s: { storeId: string }) => s.storeId);
      if (target.who === 'admin') assert.ok(ids.includes(ownStore) && ids.includes(otherStore));
      else assert.deepEqual(ids, [ownStore], `${target.who} sees only their stores`);
    },
  },
  'POST /api/stores': {
    request: async () => ({ method: 'POST', path: '/api/stores', json: { id: uniqueId('new-store'), name: 'New' } }),
    expect: { store_manager: DENY, regional_coordinator: DENY, admin: both(201), api_key: DENY },
  },
  'GET /api/audit': {
    request: async () => ({ method: 'GET', path: '/api/audit?limit=5' }),
    expect: { store_manager: DENY, regional_coordinator: DENY, admin: both(200), api_key: DENY },
  },
  'POST /api/transactions/upload': {
    request: async ({ storeId }) => ({ method: 'POST', path: '/api/transactions/upload', form: lineItemForm(storeId, uniqueId('inv')) }),
    expect: { store_manager: [201, 403], regional_coordinator: DENY, admin: both(201), api_key: [201, 403] },
    check: (answer, target) => {
      assert.equal(answer.body.storeId, target.storeId);
      assert.equal(answer.body.transactionCount, 1);
    },
  },
  'POST /api/transactions/upload/preview': {
    request: async ({ storeId }) => ({ method: 'POST', path: '/api/transactions/upload/preview', form: lineItemForm(storeId, uniqueId('inv')) }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: both(200), api_key: [200, 403] },
  },
  'POST /api/transactions/events': {
    request: async ({ storeId }) => ({
      method: 'POST',
      path: '/api/transactions/events',
      json: { storeId, events: [{ transactionId: uniqueId('t'), storeId, occurredAt: '2024-02-01T10:00:00Z', lines: [{ sku: 'A', quantity: 1, unitPrice: 1.5 }] }] },
    }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: both(200), api_key: [200, 403] },
    check: (answer) => assert.equal(answer.body.stored, 1),
  },
  // Raw transactions: the store's own manager only (coordinators and admins work with aggregates).
  'GET /api/transactions': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/transactions?storeId=${storeId}&limit=5` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
    check: (answer, target) => assert.ok(answer.body.transactions.every((t: { storeId: string }) => t.storeId === target.storeId)),
  },
  'GET /api/transactions/files/:fileId': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/transactions/files/${fixtureFiles.get(storeId)}?storeId=${storeId}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: both(200), api_key: DENY },
    check: (answer, target) => assert.equal(answer.body.storeId, target.storeId),
  },
  // Uploaded files: listed and reprocessed like uploads; their bytes are raw data, so downloads are the own manager's only.
  'GET /api/files': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/files?storeId=${storeId}&limit=5` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: both(200), api_key: DENY },
    check: (answer, target) => {
      assert.ok(answer.body.files.length > 0);
      assert.ok(answer.body.files.every((f: { storeId: string }) => f.storeId === target.storeId));
      const fixture = answer.body.files.find((f: { fileId: string }) => f.fileId === fixtureFiles.get(target.storeId));
      assert.ok(fixture?.kept, 'the fixture upload is kept in the bucket');
      assert.match(fixture.sha256, /^[0-9a-f]{64}$/);
    },
  },
  'GET /api/files/:fileId/download': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/files/${fixtureFiles.get(storeId)}/download?storeId=${storeId}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
    check: (answer) => {
      assert.match(answer.body, /^InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n/);
      assert.equal(answer.headers.get('x-content-sha256'), createHash('sha256').update(answer.body).digest('hex'));
      assert.match(answer.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(answer.headers.get('content-disposition') ?? '', /^attachment; filename="basket.csv"/);
    },
  },
  'POST /api/files/:fileId/reprocess': {
    request: async ({ storeId }) => ({ method: 'POST', path: `/api/files/${fixtureFiles.get(storeId)}/reprocess?storeId=${storeId}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: both(200), api_key: DENY },
    check: (answer, target) => {
      assert.equal(answer.body.fileId, fixtureFiles.get(target.storeId));
      assert.deepEqual([answer.body.status, answer.body.accepted, answer.body.transactionCount, answer.body.duplicates], ['completed', 1, 0, 1]);
    },
  },
  'POST /api/mining/start': {
    request: async ({ storeId }) => ({ method: 'POST', path: '/api/mining/start', json: { storeId, topK: 3 } }),
    expect: { store_manager: [202, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
    check: (answer) => assert.match(answer.body.jobId, /^[0-9a-f-]{36}$/),
  },
  'GET /api/mining/jobs/:jobId': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/mining/jobs/${fixtureJob}?storeId=${storeId}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
    check: (answer, target) => assert.equal(answer.body.storeId, target.storeId),
  },
  'POST /api/mining/jobs/:jobId/cancel': {
    request: async ({ storeId }) => ({ method: 'POST', path: `/api/mining/jobs/${fixtureJob}/cancel?storeId=${storeId}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
  },
  'GET /api/mining/results/:jobId': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/mining/results/${fixtureJob}?storeId=${storeId}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.patterns)),
  },
  'GET /api/privacy/budget': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/privacy/budget?storeId=${storeId}` }),
    expect: { store_manager: [200, 403], regional_coordinator: [200, 403], admin: both(200), api_key: DENY },
    check: (answer, target) => assert.equal(answer.body.storeId, target.storeId),
  },
  'GET /api/privacy/ledger': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/privacy/ledger?storeId=${storeId}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: both(200), api_key: DENY },
  },
  'PUT /api/privacy/config': {
    request: async ({ storeId }) => ({ method: 'PUT', path: '/api/privacy/config', json: { storeId, defaultRoundEpsilon: 1 } }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
  },
  'POST /api/privacy/impact-preview': {
    request: async ({ storeId }) => ({ method: 'POST', path: '/api/privacy/impact-preview', json: { storeId, epsilon: 1, clipBound: 100, patterns: [{ items: ['A'], utility: 250 }] } }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
    check: (answer) => assert.ok(answer.body.patterns[0].expectedAbsoluteError > 0),
  },
  // Federated rounds: coordinators (for their region's stores) and admins run them; everyone reads results.
  'POST /api/federated/rounds/start': {
    request: async ({ storeId }) => ({ method: 'POST', path: '/api/federated/rounds/start', json: { minClients: 2, privacyBudget: 1, roundTimeout: 1, storeIds: [storeId] } }),
    expect: { store_manager: DENY, regional_coordinator: [202, 403], admin: both(202), api_key: DENY },
    check: (answer, target) => assert.deepEqual(answer.body.config.storeIds, [target.storeId]),
  },
  'GET /api/federated/rounds': {
    request: async () => ({ method: 'GET', path: '/api/federated/rounds' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.rounds)),
  },
  'GET /api/federated/rounds/:id': {
    request: async () => ({ method: 'GET', path: `/api/federated/rounds/${fixtureRound}` }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer) => assert.equal(answer.body.id, fixtureRound),
  },
  'GET /api/federated/rounds/events': {
    request: async () => ({ method: 'GET', path: '/api/federated/rounds/events', stream: true }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
  },
  // Demand-series and price-response results: published aggregates, read like the global patterns.
  // The fixture round is an itemsets round, so its per-round statistics are a 409 (not that kind).
  'GET /api/federated/rounds/:id/demand-series': {
    request: async () => ({ method: 'GET', path: `/api/federated/rounds/${fixtureRound}/demand-series` }),
    expect: { store_manager: both(409), regional_coordinator: both(409), admin: both(409), api_key: DENY },
  },
  'GET /api/federated/rounds/:id/price-responses': {
    request: async () => ({ method: 'GET', path: `/api/federated/rounds/${fixtureRound}/price-responses` }),
    expect: { store_manager: both(409), regional_coordinator: both(409), admin: both(409), api_key: DENY },
  },
  'GET /api/federated/demand-series': {
    request: async () => ({ method: 'GET', path: '/api/federated/demand-series' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.series)),
  },
  'GET /api/federated/price-responses': {
    request: async () => ({ method: 'GET', path: '/api/federated/price-responses' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.elasticities)),
  },
  'GET /api/federated/global-patterns': {
    request: async () => ({ method: 'GET', path: '/api/federated/global-patterns' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.patterns)),
  },
  'POST /api/federated/stores': {
    request: async ({ storeId }) => ({ method: 'POST', path: '/api/federated/stores', json: { storeId, identityPublicKey: Buffer.alloc(32, 7).toString('base64') } }),
    expect: { store_manager: DENY, regional_coordinator: [201, 403], admin: both(201), api_key: DENY },
  },
  'GET /api/federated/stores': {
    request: async () => ({ method: 'GET', path: '/api/federated/stores' }),
    expect: { store_manager: DENY, regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer, target) => {
      const ids: string[] = answer.body.stores.map((s: { storeId: string }) => s.storeId);
      if (target.who === 'regional_coordinator') assert.ok(!ids.includes(otherStore), 'a coordinator sees only their region');
    },
  },
  'GET /api/schedules': {
    request: async () => ({ method: 'GET', path: '/api/schedules' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer, target) => {
      if (target.who === 'store_manager') assert.ok(answer.body.schedules.every((s: { storeId?: string }) => s.storeId === ownStore), 'a manager sees only their store');
    },
  },
  'POST /api/schedules': {
    request: async ({ storeId }) => ({ method: 'POST', path: '/api/schedules', json: { kind: 'mining', cron: '0 4 * * *', storeId, parameters: { topK: 10 } } }),
    expect: { store_manager: [201, 403], regional_coordinator: DENY, admin: both(201), api_key: DENY },
    check: (answer, target) => assert.equal(answer.body.storeId, target.storeId),
  },
  'POST /api/schedules/:id/pause': {
    request: async ({ storeId }) => ({ method: 'POST', path: `/api/schedules/${await fixtureSchedule(storeId)}/pause` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: both(200), api_key: DENY },
    check: (answer) => assert.equal(answer.body.paused, true),
  },
  'POST /api/schedules/:id/resume': {
    request: async ({ storeId }) => ({ method: 'POST', path: `/api/schedules/${await fixtureSchedule(storeId)}/resume` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: both(200), api_key: DENY },
    check: (answer) => assert.equal(answer.body.paused, false),
  },
  'DELETE /api/schedules/:id': {
    request: async ({ storeId }) => ({ method: 'DELETE', path: `/api/schedules/${await fixtureSchedule(storeId)}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: both(200), api_key: DENY },
    check: (answer) => assert.equal(answer.body.deleted, true),
  },
  'GET /api/jobs': {
    request: async () => ({ method: 'GET', path: '/api/jobs?failed=false&limit=10' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.jobs)),
  },
  'POST /api/erasure-requests': {
    // A customer the store never saw: the request is real, and deletes nothing.
    request: async ({ storeId }) => ({ method: 'POST', path: '/api/erasure-requests', json: { scope: 'customer', storeId, customerId: uniqueId('nobody') } }),
    expect: { store_manager: [202, 403], regional_coordinator: DENY, admin: both(202), api_key: DENY },
    check: (answer, target) => assert.equal(answer.body.storeId, target.storeId),
  },
  'GET /api/erasure-requests/:id': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/erasure-requests/${(await asAdmin('POST', '/api/erasure-requests', { scope: 'customer', storeId, customerId: uniqueId('nobody') })).id}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: both(200), api_key: DENY },
    check: (answer, target) => assert.equal(answer.body.storeId, target.storeId),
  },
  'GET /api/insights/bundles': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/insights/bundles?storeId=${storeId}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.bundles) && 'round' in answer.body),
  },
  'GET /api/insights/forecasts': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/insights/forecasts?storeId=${storeId}&period=week&horizon=4&top=5` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.forecasts)),
  },
  'GET /api/insights/prices': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/insights/prices?storeId=${storeId}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.items)),
  },
  'GET /api/insights/stock-alerts': {
    request: async ({ storeId }) => ({ method: 'GET', path: `/api/insights/stock-alerts?storeId=${storeId}` }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.alerts)),
  },
  'POST /api/insights/stock': {
    request: async ({ storeId }) => ({ method: 'POST', path: `/api/insights/stock?storeId=${storeId}`, json: { countedAt: new Date().toISOString(), items: [{ sku: '85123A', stock: 5 }] } }),
    expect: { store_manager: [200, 403], regional_coordinator: DENY, admin: DENY, api_key: DENY },
    check: (answer) => assert.equal(answer.body.items, 1),
  },
  'GET /api/insights/consortium/bundles': {
    request: async () => ({ method: 'GET', path: '/api/insights/consortium/bundles' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.bundles) && answer.body.bundles.every((b: { store?: unknown }) => b.store === undefined)),
  },
  'GET /api/insights/consortium/forecasts': {
    request: async () => ({ method: 'GET', path: '/api/insights/consortium/forecasts?period=week' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.forecasts)),
  },
  'GET /api/insights/consortium/prices': {
    request: async () => ({ method: 'GET', path: '/api/insights/consortium/prices' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.items)),
  },
  'GET /api/insights/consortium/anomalies': {
    request: async () => ({ method: 'GET', path: '/api/insights/consortium/anomalies' }),
    expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: DENY },
    check: (answer) => assert.ok(Array.isArray(answer.body.anomalies)),
  },
  'GET /health': { request: async () => ({ method: 'GET', path: '/health' }), expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: both(200) }, publicStatus: 200 },
  'GET /health/live': { request: async () => ({ method: 'GET', path: '/health/live' }), expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: both(200) }, publicStatus: 200 },
  'GET /health/ready': { request: async () => ({ method: 'GET', path: '/health/ready' }), expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: both(200) }, publicStatus: 200 },
  'GET /metrics': { request: async () => ({ method: 'GET', path: '/metrics' }), expect: { store_manager: both(200), regional_coordinator: both(200), admin: both(200), api_key: both(200) }, publicStatus: 200 },
};

declareObservabilityAccess();
const routes = routeTable(ALL_GATEWAY_CONTROLLERS);

describe('authorization matrix (every route x every identity, real processes)', () => {
  jest.setTimeout(10 * 60_000);
  beforeAll(async () => {
    stack = await startAuthStack({ gatewayEnv: { PRINCIPAL_CACHE_TTL_MS: '0', RATE_LIMIT_PER_IP: '100000', RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_API_KEY: '100000' } });
    port = stack.port;
    await asAdmin('POST', '/api/regions', { id: region, name: 'Matrix region' });
    await asAdmin('POST', '/api/stores', { id: ownStore, name: 'Own', regionId: region });
    await asAdmin('POST', '/api/stores', { id: otherStore, name: 'Other' });
    for (const storeId of [ownStore, otherStore]) {
      const uploaded = await http(port, 'POST', '/api/transactions/upload', { token: adminToken(), form: lineItemForm(storeId, uniqueId('fixture')) });
      assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
      fixtureFiles.set(storeId, uploaded.body.fileId);
    }
    const manager = await createAndLogin(stack, { role: 'store_manager', storeId: ownStore });
    const coordinator = await createAndLogin(stack, { role: 'regional_coordinator', regionId: region });
    const admin = await createAndLogin(stack, { role: 'admin' });
    credentials.store_manager = { token: manager.token, email: manager.user.email, password: manager.password };
    credentials.regional_coordinator = { token: coordinator.token, email: coordinator.user.email, password: coordinator.password };
    credentials.admin = { token: admin.token, email: admin.user.email, password: admin.password };
    credentials.api_key = { apiKey: (await asAdmin('POST', '/api/api-keys', { storeId: ownStore, name: 'matrix key' })).key };
    const started = await http(port, 'POST', '/api/mining/start', { token: manager.token, json: { storeId: ownStore, topK: 3 } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    fixtureJob = started.body.jobId;
    const round = await http(port, 'POST', '/api/federated/rounds/start', { token: adminToken(), json: { minClients: 2, privacyBudget: 1, roundTimeout: 1 } });
    assert.equal(round.status, 202, JSON.stringify(round.body));
    fixtureRound = round.body.id;
    const loginTarget = await createAndLogin(stack, { role: 'store_manager', storeId: ownStore });
    Object.assign(loginUser, { email: loginTarget.user.email, password: loginTarget.password });

    bad.no_token = {};
    const now = Math.floor(Date.now() / 1000);
    bad.expired_token = { token: stack.mint({ sub: manager.user.id, email: manager.user.email, role: 'store_manager', storeId: ownStore, iat: now - 3600, exp: now - 60 }) };
    const [header, payload, signature] = manager.token.split('.');
    const elevated = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin', storeId: otherStore };
    bad.tampered_token = { token: `${header}.${Buffer.from(JSON.stringify(elevated)).toString('base64url')}.${signature}` };
    const doomed = await createAndLogin(stack, { role: 'admin' });
    await asAdmin('DELETE', `/api/users/${doomed.user.id}`);
    bad.deleted_user = { token: doomed.token };
  });

  afterAll(async () => {
    await stack?.close();
  });

  test('every route in the gateway has a row in this matrix, and every row is a route', () => {
    const served = routes.map((r) => r.key).sort();
    assert.deepEqual(served.filter((key) => !MATRIX[key]), [], 'routes without a matrix row: add them to MATRIX with the expected status per identity');
    assert.deepEqual(Object.keys(MATRIX).filter((key) => !served.includes(key)), [], 'matrix rows for routes that no longer exist');
  });

  test('each row agrees with the declared policy (public routes ignore credentials; API keys only where declared)', () => {
    for (const route of routes) {
      const row = MATRIX[route.key];
      if (!row) continue;
      assert.equal(row.publicStatus !== undefined, Boolean(route.policy?.public), `${route.key}: public in the policy iff publicStatus in the matrix`);
      if (!route.policy?.public && !route.policy?.apiKey) assert.deepEqual(row.expect.api_key, DENY, `${route.key} takes no API keys`);
    }
  });

  for (const key of Object.keys(MATRIX)) {
    test(key, async () => {
      const row = MATRIX[key];
      const outcomes: string[] = [];
      const expectations: string[] = [];
      const run = async (who: Identity, storeCase: 'own' | 'other', expected: number, auth: CallOptions) => {
        const target: Target = {
          storeId: storeCase === 'own' ? ownStore : otherStore,
          who,
          freshSession: async () => {
            const holder = credentials[who as Holder];
            return holder?.email ? stack.login(holder.email, holder.password!) : stack.login(loginUser.email, loginUser.password);
          },
        };
        const { method, path, ...options } = await row.request(target);
        const answer = await http(port, method, path, { ...options, ...auth });
        outcomes.push(`${who}/${storeCase}: ${answer.status}`);
        expectations.push(`${who}/${storeCase}: ${expected}`);
        if (answer.status === expected && expected < 300) row.check?.(answer, target);
        if (answer.status === 401 || answer.status === 403) assert.ok(typeof answer.body.message === 'string' && answer.body.message.length > 10, `${key} ${who}: a ${answer.status} says why`);
      };
      for (const who of HOLDERS) {
        const auth = credentials[who].apiKey ? { apiKey: credentials[who].apiKey } : { token: credentials[who].token };
        await run(who, 'own', row.expect[who][0], auth);
        await run(who, 'other', row.expect[who][1], auth);
      }
      for (const who of BAD) await run(who, 'own', row.publicStatus ?? 401, bad[who]);
      assert.deepEqual(outcomes, expectations);
    });
  }

  test('the store in a multipart form field is checked too, whatever the query says', async () => {
    const form = lineItemForm(otherStore, uniqueId('smuggled'));
    const answer = await http(port, 'POST', `/api/transactions/upload?storeId=${ownStore}`, { token: credentials.store_manager.token, form });
    assert.equal(answer.status, 403);
    assert.match(answer.body.message, new RegExp(`store ${otherStore} is not yours`));
    const viaKey = await http(port, 'POST', '/api/transactions/upload', { apiKey: credentials.api_key.apiKey, form: lineItemForm(otherStore, uniqueId('smuggled')) });
    assert.equal(viaKey.status, 403);
  });

  test('a repeated storeId in the query is refused rather than guessed', async () => {
    const answer = await http(port, 'GET', `/api/transactions?storeId=${ownStore}&storeId=${otherStore}`, { token: credentials.store_manager.token });
    assert.equal(answer.status, 400);
    assert.match(answer.body.message, /send storeId once/);
  });

  test("events naming another store inside an own-store body are rejected by ingestion, not stored", async () => {
    const transactionId = uniqueId('t');
    const answer = await http(port, 'POST', '/api/transactions/events', {
      apiKey: credentials.api_key.apiKey,
      json: { storeId: ownStore, events: [{ transactionId, storeId: otherStore, occurredAt: '2024-02-01T10:00:00Z', lines: [{ sku: 'A', quantity: 1, unitPrice: 1 }] }] },
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.stored, 0);
    assert.equal(answer.body.rejected.length, 1);
    const otherManager = await createAndLogin(stack, { role: 'store_manager', storeId: otherStore });
    const otherList = await http(port, 'GET', `/api/transactions?storeId=${otherStore}&limit=1000`, { token: otherManager.token });
    assert.equal(otherList.status, 200);
    assert.ok(!otherList.body.transactions.some((t: { transactionId: string }) => t.transactionId === transactionId));
  });

  test("another store's file id is not found through one's own store", async () => {
    const answer = await http(port, 'GET', `/api/transactions/files/${fixtureFiles.get(otherStore)}?storeId=${ownStore}`, { token: credentials.store_manager.token });
    assert.equal(answer.status, 404);
  });

  test("another store's kept file cannot be downloaded or reprocessed through one's own store (404), nor listed", async () => {
    const foreign = fixtureFiles.get(otherStore);
    const token = credentials.store_manager.token;
    const download = await http(port, 'GET', `/api/files/${foreign}/download?storeId=${ownStore}`, { token });
    assert.equal(download.status, 404);
    assert.doesNotMatch(JSON.stringify(download.body), /InvoiceNo/);
    assert.equal((await http(port, 'POST', `/api/files/${foreign}/reprocess?storeId=${ownStore}`, { token })).status, 404);
    const listed = await http(port, 'GET', `/api/files?storeId=${ownStore}`, { token });
    assert.ok(!listed.body.files.some((f: { fileId: string }) => f.fileId === foreign));
    assert.equal((await http(port, 'GET', `/api/files/not-a-uuid/download?storeId=${ownStore}`, { token })).status, 400);
  });

  test('a token signed with an unknown key, or with alg none, is refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    const unknownKid = stack.mint({ sub: 'x', email: 'x', role: 'admin', storeId: null, iat: now, exp: now + 60 }, { kid: 'not-a-key' });
    const answer = await http(port, 'GET', '/api/auth/me', { token: unknownKid });
    assert.equal(answer.status, 401);
    assert.match(answer.body.message, /unknown key not-a-key/);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: stack.keys.kid })).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', role: 'admin', iat: now, exp: now + 60 })).toString('base64url')}.`;
    assert.equal((await http(port, 'GET', '/api/auth/me', { token: none })).status, 401);
  });
});
