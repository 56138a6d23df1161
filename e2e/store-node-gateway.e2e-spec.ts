/**
 * A store node's own front door, end to end across processes: the hub (auth service and a
 * hub-role gateway with its node front) and a store node (its ingestion service and a
 * store-node gateway), each `tessera serve`, talking only over the hub's node front
 * (plaintext here; mTLS is wired by the PKI). A manager signs in THROUGH the node, the node
 * verifies the token with the keys it fetched from the hub; then the hub is stopped and the
 * manager keeps working on the node, POS events included, even after the node restarts.
 * Each side runs its scheduler (SCHEDULER_ROLE hub / store-node): schedules are on both fronts,
 * the hub refuses a store's mining, erasure requests are the node's.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { DATABASE_URL, KAFKA_BROKERS, S3_ENV, uniqueId } from './support/infra';
import { REDIS_URL, authEnvFor, http, makeSigningMaterial, runCli, type Session } from './support/auth-stack';
import { freePort, startServiceProcess, type ServiceProcess } from './support/processes';

const schema = uniqueId('nodegw').replace(/-/g, '_');
const storeA = uniqueId('node-a');
const storeB = uniqueId('node-b');
const keys = makeSigningMaterial();
const cacheDir = mkdtempSync(join(tmpdir(), 'tessera-node-keys-'));
const keysFile = join(cacheDir, 'hub-keys.json');

const started: ServiceProcess[] = [];
let ingestion: ServiceProcess;
let hub: ServiceProcess;
let node: ServiceProcess;
let nodeFrontPort: number;
let nodeEnv: Record<string, string>;
let manager: Session;
let adminToken: string;

const start = async (name: string, env: Record<string, string>, options: { grpc?: boolean } = {}) => {
  const service = await startServiceProcess(name, env, options);
  started.push(service);
  return service;
};

const posEvent = (storeId: string, transactionId = uniqueId('pos')) => ({ storeId, events: [{ transactionId, storeId, occurredAt: '2024-05-01T09:00:00Z', lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: 3.5 }] }] });

async function login(port: number, email: string, password: string) {
  return http(port, 'POST', '/api/auth/login', { json: { email, password } });
}

describe('a store-node gateway: sign-in through the hub, tokens verified locally, working through a hub outage', () => {
  jest.setTimeout(10 * 60_000);

  beforeAll(async () => {
    const auth = await start('auth', authEnvFor(schema, keys));
    const batchesTopic = `ingestion.batches.v1.${schema}`;
    const kafkaAdmin = new Kafka({ clientId: schema, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
    await kafkaAdmin.connect();
    const roundsTopic = `federation.rounds.v1.${schema}`;
    await kafkaAdmin.createTopics({ waitForLeaders: true, topics: [batchesTopic, roundsTopic].map((topic) => ({ topic, numPartitions: 1 })) }).finally(() => kafkaAdmin.disconnect());
    // The hub's federation coordinator: the rounds and global patterns a node reads through the hub.
    const federation = await start('federation', { DATABASE_URL, BUS_DRIVER: 'kafka', KAFKA_BROKERS: KAFKA_BROKERS.join(','), DATABASE_SCHEMA: `${schema}_federation`, NODE_GRPC_PORT: '0', NODE_TLS_MODE: 'plaintext', ROUNDS_TOPIC: roundsTopic });
    ingestion = await start('ingestion', {
      DATABASE_URL,
      ...S3_ENV,
      DATABASE_SCHEMA: `${schema}_ingestion`,
      BUS_DRIVER: 'kafka',
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      BATCHES_TOPIC: batchesTopic,
      POS_CONSUMER_ENABLED: 'false',
      CUSTOMER_HASH_KEY: 'e2e-customer-hash-key-0123456789abcdef',
    });
    // A scheduler on each side (SCHEDULER_ROLE): the hub's (rounds; no mining client), the node's (its store's mining and erasure).
    const schedulerEnv = { DATABASE_URL, BUS_DRIVER: 'kafka', KAFKA_BROKERS: KAFKA_BROKERS.join(','), TICK_SECONDS: '300' };
    const hubScheduler = await start('scheduler', { ...schedulerEnv, SCHEDULER_ROLE: 'hub', DATABASE_SCHEMA: `${schema}_hub_scheduler`, BOSS_SCHEMA: `${schema}_hub_boss`, FEDERATION_GRPC_URL: `127.0.0.1:${federation.grpcPort}`, AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}` });
    const nodeScheduler = await start('scheduler', { ...schedulerEnv, SCHEDULER_ROLE: 'store-node', NODE_STORE_IDS: storeA, DATABASE_SCHEMA: `${schema}_node_scheduler`, BOSS_SCHEMA: `${schema}_node_boss`, MINING_GRPC_URL: '127.0.0.1:1', CUSTOMER_HASH_KEY: 'e2e-customer-hash-key-0123456789abcdef' });
    nodeFrontPort = await freePort();
    hub = await start(
      'gateway',
      { GATEWAY_ROLE: 'hub', AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, FEDERATION_GRPC_URL: `127.0.0.1:${federation.grpcPort}`, SCHEDULER_GRPC_URL: `127.0.0.1:${hubScheduler.grpcPort}`, JWT_VERIFY_KEYS: keys.verifyKeys, NODE_API_PORT: String(nodeFrontPort), NODE_TLS_MODE: 'plaintext', REDIS_URL, RATE_LIMIT_PREFIX: `e2e:${schema}:hub` },
      { grpc: false },
    );
    nodeEnv = {
      GATEWAY_ROLE: 'store-node',
      HUB_URL: `http://127.0.0.1:${nodeFrontPort}`,
      NODE_STORE_IDS: storeA,
      NODE_TLS_MODE: 'plaintext',
      INGESTION_GRPC_URL: `127.0.0.1:${ingestion.grpcPort}`,
      SCHEDULER_GRPC_URL: `127.0.0.1:${nodeScheduler.grpcPort}`,
      HUB_KEYS_CACHE_FILE: keysFile,
      HUB_TIMEOUT_MS: '2000',
      // Every request asks the hub who the token's user is: the outage fallback is what answers once it is gone.
      PRINCIPAL_CACHE_TTL_MS: '0',
      REDIS_URL,
      RATE_LIMIT_PREFIX: `e2e:${schema}:node`,
    };
    node = await start('gateway', nodeEnv, { grpc: false });

    const adminEmail = `${schema}-admin@e2e.example`;
    const created = await runCli(['admin', 'create-user', '--role', 'admin', '--email', adminEmail, '--schema', schema], { DATABASE_URL });
    const password = /password \(shown once[^)]*\): (\S+)/.exec(created.stdout)?.[1];
    assert.ok(created.code === 0 && password, created.stdout + created.stderr);
    const admin = await login(hub.httpPort, adminEmail, password);
    assert.equal(admin.status, 200, JSON.stringify(admin.body));
    adminToken = admin.body.token;
    for (const storeId of [storeA, storeB]) assert.equal((await http(hub.httpPort, 'POST', '/api/stores', { token: admin.body.token, json: { id: storeId, name: storeId } })).status, 201);
    const users: Record<string, { email: string; password: string }> = {};
    for (const storeId of [storeA, storeB]) {
      const email = `${uniqueId('manager')}@e2e.example`;
      const user = await http(hub.httpPort, 'POST', '/api/users', { token: admin.body.token, json: { email, role: 'store_manager', storeId } });
      assert.equal(user.status, 201, JSON.stringify(user.body));
      users[storeId] = { email, password: user.body.password };
    }
    const signedIn = await login(node.httpPort, users[storeA].email, users[storeA].password);
    assert.equal(signedIn.status, 200, `sign-in through the node: ${JSON.stringify(signedIn.body)}`);
    manager = { token: signedIn.body.token, refreshToken: signedIn.body.refreshToken, user: signedIn.body.user };
    // A manager of a store this node does not serve gets no token from it.
    const other = await login(node.httpPort, users[storeB].email, users[storeB].password);
    assert.equal(other.status, 403, JSON.stringify(other.body));
    assert.match(other.body.message, new RegExp(`this node serves store ${storeA}`));
    // ...and their token from the hub is refused by the node too.
    const otherAtHub = await login(hub.httpPort, users[storeB].email, users[storeB].password);
    assert.equal((await http(node.httpPort, 'GET', `/api/transactions?storeId=${storeB}`, { token: otherAtHub.body.token })).status, 403);
  });

  afterAll(async () => {
    for (const service of started.reverse()) await service.kill().catch(() => undefined);
    const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
    for (const owned of [schema, `${schema}_ingestion`, `${schema}_federation`, `${schema}_hub_scheduler`, `${schema}_hub_boss`, `${schema}_node_scheduler`, `${schema}_node_boss`]) await pool.query(`DROP SCHEMA IF EXISTS "${owned}" CASCADE`).catch(() => undefined);
    await pool.end();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  test('the hub publishes its verify keys and serves no store route; its node front serves only what a node needs', async () => {
    const published = await http(hub.httpPort, 'GET', '/api/auth/keys');
    assert.equal(published.status, 200);
    assert.deepEqual(published.body.keys.map((key: { kid: string }) => key.kid), [keys.kid]);
    assert.ok(published.body.keys.every((key: Record<string, unknown>) => !('d' in key)), 'public halves only');
    for (const [method, path] of [['GET', `/api/transactions?storeId=${storeA}`], ['POST', '/api/transactions/events'], ['GET', `/api/privacy/budget?storeId=${storeA}`], ['POST', '/api/api-keys']]) {
      assert.equal((await http(hub.httpPort, method, path, { token: manager.token, json: method === 'POST' ? posEvent(storeA) : undefined })).status, 404, `${method} ${path} on the hub`);
    }
    assert.equal((await http(nodeFrontPort, 'GET', '/api/auth/keys')).status, 200);
    assert.equal((await http(nodeFrontPort, 'GET', '/api/users', { token: manager.token })).status, 404, 'administration is not on the node front');
    // The node kept the keys for an outage.
    assert.ok(existsSync(keysFile));
    assert.equal(JSON.parse(readFileSync(keysFile, 'utf8'))[0].kid, keys.kid);
  });

  test('the manager works on the node with a token it verifies itself; the node serves no hub administration', async () => {
    const me = await http(node.httpPort, 'GET', '/api/auth/me', { token: manager.token });
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.user.role, 'store_manager');
    assert.equal(me.body.user.storeId, storeA);
    assert.equal(me.body.offline, undefined, 'from the hub while it is up');
    const posted = await http(node.httpPort, 'POST', '/api/transactions/events', { token: manager.token, json: posEvent(storeA) });
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    assert.equal(posted.body.stored, 1);
    const stores = await http(node.httpPort, 'GET', '/api/stores', { token: manager.token });
    assert.equal(stores.status, 200, JSON.stringify(stores.body));
    assert.deepEqual(stores.body.stores.map((store: { storeId: string; name: string; transactionCount: number }) => [store.storeId, store.name, store.transactionCount]), [[storeA, storeA, 1]], 'counts from the node, the name from the hub');
    assert.equal((await http(node.httpPort, 'GET', '/api/users', { token: manager.token })).status, 404);
    assert.equal((await http(node.httpPort, 'GET', '/api/auth/keys')).status, 404);
    // Global results, read from the hub with the manager's own token.
    const patterns = await http(node.httpPort, 'GET', '/api/federated/global-patterns?limit=5', { token: manager.token });
    assert.equal(patterns.status, 200, JSON.stringify(patterns.body));
    assert.ok(Array.isArray(patterns.body.patterns));
    const rounds = await http(node.httpPort, 'GET', '/api/federated/rounds', { token: manager.token });
    assert.equal(rounds.status, 200, JSON.stringify(rounds.body));
    assert.equal(rounds.body.total, 0);
    assert.equal((await http(node.httpPort, 'GET', '/api/federated/global-patterns?limit=0', { token: manager.token })).status, 400, 'validated on the node');
    const events = await http(node.httpPort, 'GET', '/api/federated/rounds/events', { token: manager.token, stream: true });
    assert.equal(events.status, 200);
    assert.match(events.headers.get('content-type') ?? '', /text\/event-stream/);
    // A forged token (another key) is refused locally.
    const forged = makeSigningMaterial(keys.kid);
    const token = jwt.sign({ sub: manager.user.id, email: manager.user.email, role: 'store_manager', storeId: storeA }, createPrivateKey(forged.privateKey.export({ format: 'pem', type: 'pkcs8' })), { algorithm: 'ES256', keyid: keys.kid, issuer: 'tessera-auth', audience: 'tessera-api', expiresIn: 600 });
    assert.equal((await http(node.httpPort, 'GET', `/api/transactions?storeId=${storeA}`, { token })).status, 401);
  });

  test("schedules on both fronts, each through its own scheduler; erasure only on the node's", async () => {
    const mining = { kind: 'mining', cron: '0 2 * * *', storeId: storeA, parameters: { topK: 10 } };
    // The hub's scheduler runs no store's mining: refused naming the kind and the role.
    const atHub = await http(hub.httpPort, 'POST', '/api/schedules', { token: adminToken, json: mining });
    assert.equal(atHub.status, 400, JSON.stringify(atHub.body));
    assert.match(String(atHub.body.message), /mining is not run by the hub scheduler/);
    const round = await http(hub.httpPort, 'POST', '/api/schedules', { token: adminToken, json: { kind: 'federated_round', cron: '0 3 * * 1' } });
    assert.equal(round.status, 201, JSON.stringify(round.body));
    assert.equal((await http(hub.httpPort, 'POST', '/api/erasure-requests', { token: adminToken, json: { scope: 'store', storeId: storeA } })).status, 404, 'no erasure on the hub');
    // The node's scheduler runs its store's mining, scheduled by the store's manager on the node.
    const atNode = await http(node.httpPort, 'POST', '/api/schedules', { token: manager.token, json: mining });
    assert.equal(atNode.status, 201, JSON.stringify(atNode.body));
    const nodeList = await http(node.httpPort, 'GET', '/api/schedules', { token: manager.token });
    assert.equal(nodeList.status, 200, JSON.stringify(nodeList.body));
    assert.deepEqual(nodeList.body.schedules.map((s: { kind: string; storeId?: string }) => [s.kind, s.storeId]), [['mining', storeA]]);
    const hubList = await http(hub.httpPort, 'GET', '/api/schedules', { token: adminToken });
    assert.deepEqual(hubList.body.schedules.map((s: { kind: string }) => s.kind), ['federated_round'], "the hub's scheduler holds no store's mining");
    assert.equal((await http(node.httpPort, 'GET', '/api/jobs', { token: manager.token })).status, 200);
    // Erasure of a customer of the node's store, on the node.
    const erasure = await http(node.httpPort, 'POST', '/api/erasure-requests', { token: manager.token, json: { scope: 'customer', storeId: storeA, customerId: 'C-GONE' } });
    assert.equal(erasure.status, 202, JSON.stringify(erasure.body));
    const followed = await http(node.httpPort, 'GET', `/api/erasure-requests/${erasure.body.id}`, { token: manager.token });
    assert.equal(followed.status, 200, JSON.stringify(followed.body));
    assert.equal(followed.body.storeId, storeA);
  });

  test('with the hub stopped, the manager is still served and POS events are still stored, also after the node restarts', async () => {
    await hub.kill();
    const down = await login(node.httpPort, manager.user.email, 'whatever-password');
    assert.equal(down.status, 503, 'sign-in needs the hub');
    assert.ok(Number(down.headers.get('retry-after')) > 0);

    const me = await http(node.httpPort, 'GET', '/api/auth/me', { token: manager.token });
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.offline, true);
    assert.equal((await http(node.httpPort, 'GET', '/api/federated/global-patterns', { token: manager.token })).status, 503, 'global results need the hub');
    assert.equal(me.body.user.storeId, storeA);
    const transactionId = uniqueId('offline');
    const posted = await http(node.httpPort, 'POST', '/api/transactions/events', { token: manager.token, json: posEvent(storeA, transactionId) });
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    assert.equal(posted.body.stored, 1);
    const listed = await http(node.httpPort, 'GET', `/api/transactions?storeId=${storeA}`, { token: manager.token });
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.ok(listed.body.transactions.some((t: { transactionId: string }) => t.transactionId === transactionId));
    assert.equal((await http(node.httpPort, 'GET', `/api/transactions?storeId=${storeB}`, { token: manager.token })).status, 403, 'still only their store');
    const stores = await http(node.httpPort, 'GET', '/api/stores', { token: manager.token });
    assert.equal(stores.status, 200, JSON.stringify(stores.body));
    assert.deepEqual(stores.body.stores.map((store: { storeId: string; name: string | null; transactionCount: number }) => [store.storeId, store.name, store.transactionCount]), [[storeA, null, 2]], 'without the hub: no name, the counts still');

    // A node restarted during the outage verifies tokens with the keys it kept in HUB_KEYS_CACHE_FILE.
    await node.kill();
    const restarted = await start('gateway', nodeEnv, { grpc: false });
    const again = await http(restarted.httpPort, 'POST', '/api/transactions/events', { token: manager.token, json: posEvent(storeA) });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.stored, 1);
    assert.match(restarted.output(), /could not fetch the hub's token verify keys/);
  });
});
