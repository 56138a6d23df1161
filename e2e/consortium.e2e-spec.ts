/**
 * A consortium as DESIGN draws it, end to end: one hub (auth, federation and a hub-role gateway,
 * each its own process) and three store nodes (each one process `tessera serve
 * ingestion,mining,privacy,gateway` with its own database schemas, its own S3 bucket and its own
 * store-node gateway), every node <-> hub link over mTLS with a throwaway consortium CA: the
 * node's gateway reaches the hub's node front (HTTPS), its privacy service the hub's federation
 * node port (gRPC); nothing else of the hub is dialled by a node.
 *
 * A manager signs in through their node, uploads (the file is kept in their node's bucket and
 * downloads byte for byte), mines and reads the results there; an admin enrols the nodes and
 * starts a round on the hub, which completes across the three; the hub's tables, logs, metrics
 * and topics are then scanned for every value only a store knows (planted item, utilities,
 * each store's exact per-pattern numbers, the uploaded file's name). Finally the hub is stopped
 * and POS events (REST with a node API key, and Kafka) are still stored by the node.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Kafka, logLevel } from 'kafkajs';
import type { Pool } from 'pg';
import { ensureTopics, TopicSpecs } from '@tessera/bus';
import { miningV1 } from '@tessera/proto';
import { REDIS_URL, authEnvFor, http, makeSigningMaterial, runCli, type Session } from './support/auth-stack';
import { DATABASE_URL, KAFKA_BROKERS, S3_ENV, testPool, uniqueId } from './support/infra';
import { testNodeTls, type TestNodeTls } from './support/node-tls';
import { freePort, REPO_ROOT, startServiceProcess, waitFor, type ServiceProcess } from './support/processes';

const datasets = process.env.TESSERA_DATASETS ?? resolve(REPO_ROOT, '../shared/datasets');
const foodmart = resolve(datasets, 'foodmart_utility_spmf.txt');
// Missing datasets skip the test on a developer machine but fail it in CI (CI is set there).
const skip = !existsSync(foodmart) && !process.env.CI && 'datasets not found';

const run = uniqueId('cons').replace(/-/g, '_');
const dashed = run.replace(/_/g, '-');
const STORES = [1, 2, 3].map((i) => `${dashed}-s${i}`);
const topics = { rounds: `federation.rounds.v1.${run}` };
/** Values only the first store holds: an item, a utility and the uploaded file's name. */
const PLANTED_ITEM = '7654321';
const PLANTED_UTILITY = '987654321';
const PLANTED_FILE_NAME = `planted-${run}.txt`;
/** A customer of the first store, erased on its node: the id (and its hash) never reach the hub. */
const PLANTED_CUSTOMER = String(80_000_000 + Math.floor(Math.random() * 9_999_999));
const COMMON_ITEM = '1373';
const keys = makeSigningMaterial();
const hubSchemas = { auth: `${run}_hub_auth`, federation: `${run}_hub_federation` };

interface StoreNode {
  index: number;
  storeId: string;
  bucket: string;
  /** BUS_NAMESPACE: the three nodes share the test's Kafka as a hosted consortium would, each under its own prefix. */
  namespace: string;
  ports: Record<'gateway' | 'ingestionHttp' | 'ingestionGrpc' | 'miningHttp' | 'miningGrpc' | 'privacyHttp' | 'privacyGrpc' | 'schedulerHttp' | 'schedulerGrpc', number>;
  child?: ChildProcess;
  output: string;
  manager?: Session;
  apiKey?: string;
}

let pool: Pool;
let nodeTls: TestNodeTls;
let cacheDir: string;
let hubNodePort: number;
let hubFrontPort: number;
const hub: Partial<Record<'auth' | 'federation' | 'gateway', ServiceProcess>> = {};
const nodes: StoreNode[] = [];
let adminToken: string;
let completedRound = '';
/** Exact numbers the manager of the first store saw on their own node (per-pattern utilities, in cents). */
const localResults = new Set<string>();

const schemasOf = (node: StoreNode) => ['ingestion', 'mining', 'privacy', 'scheduler', 'boss'].map((service) => `${run}_n${node.index}_${service}`);

async function startNode(node: StoreNode): Promise<void> {
  const p = node.ports;
  const [ingestionSchema, miningSchema, privacySchema, schedulerSchema, bossSchema] = schemasOf(node);
  const env: Record<string, string> = {
    ...process.env,
    LOG_LEVEL: 'info',
    DATABASE_URL,
    BUS_DRIVER: 'kafka',
    KAFKA_BROKERS: KAFKA_BROKERS.join(','),
    BUS_NAMESPACE: node.namespace,
    ...S3_ENV,
    INGESTION__S3_BUCKET: node.bucket,
    INGESTION__HTTP_PORT: String(p.ingestionHttp),
    INGESTION__GRPC_PORT: String(p.ingestionGrpc),
    INGESTION__DATABASE_SCHEMA: ingestionSchema,
    CUSTOMER_HASH_KEY: 'e2e-customer-hash-key-0123456789abcdef',
    // Every node takes POS events from Kafka: its own <namespace>.pos.transactions.v1, its own group.
    INGESTION__POS_CONSUMER_ENABLED: 'true',
    MINING__HTTP_PORT: String(p.miningHttp),
    MINING__GRPC_PORT: String(p.miningGrpc),
    MINING__DATABASE_SCHEMA: miningSchema,
    MINING__INGESTION_GRPC_URL: `127.0.0.1:${p.ingestionGrpc}`,
    PRIVACY__HTTP_PORT: String(p.privacyHttp),
    PRIVACY__GRPC_PORT: String(p.privacyGrpc),
    PRIVACY__DATABASE_SCHEMA: privacySchema,
    PRIVACY__MINING_GRPC_URL: `127.0.0.1:${p.miningGrpc}`,
    // The hub's federation node port over mTLS; no auto-enrolment: the admin enrols the node's identity on the hub.
    FEDERATION_HUB_URL: `localhost:${hubNodePort}`,
    FEDERATION_STORE_IDS: node.storeId,
    // The node's own scheduler: its store's schedules and erasure requests, nothing on the hub.
    SCHEDULER__HTTP_PORT: String(p.schedulerHttp),
    SCHEDULER__GRPC_PORT: String(p.schedulerGrpc),
    SCHEDULER__DATABASE_SCHEMA: schedulerSchema,
    SCHEDULER__BOSS_SCHEMA: bossSchema,
    SCHEDULER__SCHEDULER_ROLE: 'store-node',
    SCHEDULER__NODE_STORE_IDS: node.storeId,
    SCHEDULER__MINING_GRPC_URL: `127.0.0.1:${p.miningGrpc}`,
    SCHEDULER__POLLING_SECONDS: '1',
    GATEWAY__HTTP_PORT: String(p.gateway),
    GATEWAY__GATEWAY_ROLE: 'store-node',
    GATEWAY__HUB_URL: `https://localhost:${hubFrontPort}`,
    GATEWAY__NODE_STORE_IDS: node.storeId,
    GATEWAY__INGESTION_GRPC_URL: `127.0.0.1:${p.ingestionGrpc}`,
    GATEWAY__MINING_GRPC_URL: `127.0.0.1:${p.miningGrpc}`,
    GATEWAY__PRIVACY_GRPC_URL: `127.0.0.1:${p.privacyGrpc}`,
    GATEWAY__SCHEDULER_GRPC_URL: `127.0.0.1:${p.schedulerGrpc}`,
    GATEWAY__HUB_KEYS_CACHE_FILE: join(cacheDir, `hub-keys-${node.index}.json`),
    GATEWAY__HUB_TIMEOUT_MS: '2000',
    GATEWAY__REDIS_URL: REDIS_URL,
    GATEWAY__RATE_LIMIT_PREFIX: `e2e:${run}:n${node.index}`,
    // The node's certificate: privacy and the gateway present it to the hub.
    ...nodeTls.nodeEnv(node.storeId),
  };
  node.output = '';
  const child = spawn(process.execPath, [resolve(REPO_ROOT, 'apps/cli/bin/tessera.js'), 'serve', 'ingestion,mining,privacy,scheduler,gateway'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (node.output = (node.output + d).slice(-50_000)));
  child.stderr!.on('data', (d) => (node.output = (node.output + d).slice(-50_000)));
  node.child = child;
  try {
    await waitFor(`store node ${node.storeId}`, async () => {
      if (child.exitCode !== null) throw new Error(`node ${node.storeId} exited`);
      for (const port of [p.gateway, p.privacyHttp, p.ingestionHttp, p.schedulerHttp]) if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status !== 200) return false;
      return true;
    }, 120_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- ${node.storeId} output ---\n${node.output.slice(-4000)}`);
  }
}

async function stopNode(node: StoreNode) {
  const child = node.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function call<Req, Res>(client: grpc.Client, method: (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((ok, fail) => method.call(client, request, (error: grpc.ServiceError | null, response: Res) => (error ? fail(error) : ok(response))));
}

async function asAdmin(method: string, path: string, json?: unknown) {
  const answer = await http(hub.gateway!.httpPort, method, path, { token: adminToken, json });
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function onNode(node: StoreNode, method: string, path: string, options: Parameters<typeof http>[3] = {}) {
  return http(node.ports.gateway, method, path, { token: node.manager?.token, ...options });
}

async function storeHolds(node: StoreNode, transactionId: string): Promise<boolean> {
  const listed = await onNode(node, 'GET', `/api/transactions?storeId=${node.storeId}&limit=500`);
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return listed.body.transactions.some((t: { transactionId: string }) => t.transactionId === transactionId);
}

const posEvent = (storeId: string, transactionId: string) => ({ transactionId, storeId, occurredAt: '2024-05-01T09:00:00Z', lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: 3.5 }] });

(skip ? describe.skip : describe)('a consortium: one hub and three store nodes as separate processes, every link over mTLS', () => {
  jest.setTimeout(20 * 60_000);

  beforeAll(async () => {
    pool = testPool();
    cacheDir = mkdtempSync(join(tmpdir(), 'tessera-consortium-'));
    const kafkaAdmin = new Kafka({ clientId: run, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.createTopics({ waitForLeaders: true, topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 1 })) }).finally(() => kafkaAdmin.disconnect());
    nodeTls = await testNodeTls(STORES);

    // The hub: auth, the federation coordinator (its node port speaks mTLS) and the hub gateway (its node front too).
    hubNodePort = await freePort();
    hubFrontPort = await freePort();
    hub.auth = await startServiceProcess('auth', { ...authEnvFor(hubSchemas.auth, keys), LOG_LEVEL: 'info' });
    hub.federation = await startServiceProcess('federation', {
      DATABASE_URL,
      BUS_DRIVER: 'kafka',
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      DATABASE_SCHEMA: hubSchemas.federation,
      NODE_GRPC_PORT: String(hubNodePort),
      ROUNDS_TOPIC: topics.rounds,
      LOG_LEVEL: 'info',
      ...nodeTls.hubEnv,
    });
    hub.gateway = await startServiceProcess(
      'gateway',
      {
        GATEWAY_ROLE: 'hub',
        AUTH_GRPC_URL: `127.0.0.1:${hub.auth.grpcPort}`,
        FEDERATION_GRPC_URL: `127.0.0.1:${hub.federation.grpcPort}`,
        JWT_VERIFY_KEYS: keys.verifyKeys,
        NODE_API_PORT: String(hubFrontPort),
        REDIS_URL,
        RATE_LIMIT_PREFIX: `e2e:${run}:hub`,
        LOG_LEVEL: 'info',
        ...nodeTls.hubEnv,
      },
      { grpc: false },
    );
    const adminEmail = `${run}-admin@e2e.example`;
    const created = await runCli(['admin', 'create-user', '--role', 'admin', '--email', adminEmail, '--schema', hubSchemas.auth], { DATABASE_URL });
    const password = /password \(shown once[^)]*\): (\S+)/.exec(created.stdout)?.[1];
    assert.ok(created.code === 0 && password, created.stdout + created.stderr);
    const signedIn = await http(hub.gateway.httpPort, 'POST', '/api/auth/login', { json: { email: adminEmail, password } });
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    adminToken = signedIn.body.token;

    // The stores and their managers exist on the hub; the managers sign in through their node.
    const credentials: { email: string; password: string }[] = [];
    for (const storeId of STORES) {
      await asAdmin('POST', '/api/stores', { id: storeId, name: `Store ${storeId}` });
      const email = `${uniqueId('manager')}@e2e.example`;
      const user = await asAdmin('POST', '/api/users', { email, role: 'store_manager', storeId });
      credentials.push({ email, password: user.password });
    }
    for (const [index, storeId] of STORES.entries()) {
      const node: StoreNode = {
        index: index + 1,
        storeId,
        namespace: `${dashed}-n${index + 1}`,
        bucket: `${dashed}-n${index + 1}`,
        output: '',
        ports: { gateway: await freePort(), ingestionHttp: await freePort(), ingestionGrpc: await freePort(), miningHttp: await freePort(), miningGrpc: await freePort(), privacyHttp: await freePort(), privacyGrpc: await freePort(), schedulerHttp: await freePort(), schedulerGrpc: await freePort() },
      };
      nodes.push(node);
      // The topics of the node's namespace (the test broker creates none by itself).
      await ensureTopics(KAFKA_BROKERS, TopicSpecs.map((spec) => ({ topic: `${node.namespace}.${spec.topic}`, partitions: Math.min(spec.partitions, 2) })));
      await startNode(node);
      const login = await http(node.ports.gateway, 'POST', '/api/auth/login', { json: credentials[index] });
      assert.equal(login.status, 200, `sign-in through node ${storeId}: ${JSON.stringify(login.body)}`);
      node.manager = { token: login.body.token, refreshToken: login.body.refreshToken, user: login.body.user };
    }

    // Enrolment as an SRE does it: each node's identity public key (generated by its privacy
    // service, only the public half leaves the node) is registered on the hub by the admin.
    for (const node of nodes) {
      const schema = schemasOf(node)[2];
      const identity = await waitFor(`the identity of ${node.storeId}`, async () => {
        const rows = (await pool.query(`SELECT encode(public_key, 'base64') AS key FROM "${schema}".identities WHERE store_id = $1`, [node.storeId]).catch(() => ({ rows: [] }))).rows;
        return rows[0]?.key as string | undefined;
      }, 60_000);
      await asAdmin('POST', '/api/federated/stores', { storeId: node.storeId, identityPublicKey: identity });
    }
    await waitFor('the three nodes connected to the hub over mTLS', async () => {
      const { stores } = await asAdmin('GET', '/api/federated/stores');
      return stores.filter((s: { storeId: string; connected: boolean }) => STORES.includes(s.storeId) && s.connected).length === 3;
    }, 90_000);
  });

  afterAll(async () => {
    for (const node of nodes) await stopNode(node);
    for (const service of [hub.gateway, hub.federation, hub.auth]) await service?.kill().catch(() => undefined);
    nodeTls?.remove();
    const kafkaAdmin = new Kafka({ clientId: `${run}-cleanup`, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
    await kafkaAdmin.connect().then(() => kafkaAdmin.deleteTopics({ topics: [...Object.values(topics), ...nodes.flatMap((node) => TopicSpecs.map((spec) => `${node.namespace}.${spec.topic}`))] })).catch(() => undefined).finally(() => kafkaAdmin.disconnect());
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
    const schemas = [...Object.values(hubSchemas), ...nodes.flatMap(schemasOf)];
    for (const schema of schemas) await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool?.end();
  });

  test("the hub's node front and federation node port take only mTLS with a consortium certificate", async () => {
    const { request } = await import('node:https');
    const ca = readFileSync(nodeTls.pki.caFile);
    const get = (options: { cert?: Buffer; key?: Buffer }) =>
      new Promise<number>((ok, fail) => {
        const req = request({ host: 'localhost', port: hubFrontPort, path: '/api/auth/keys', ca, ...options }, (response) => {
          response.resume();
          ok(response.statusCode ?? 0);
        });
        req.on('error', fail);
        req.end();
      });
    const node = nodeTls.pki.nodes[STORES[0]];
    assert.equal(await get({ cert: readFileSync(node.certFile), key: readFileSync(node.keyFile) }), 200, 'a node certificate is served');
    await assert.rejects(get({}), 'no client certificate, no answer');
    assert.ok(nodes.every((n) => /connected to the federation hub/.test(n.output)), 'every node joined over its certificate');
  });

  test('each manager uploads through their node: the file is kept in that node\'s bucket and downloads byte for byte; they mine and read the results there', async () => {
    const lines = readFileSync(foodmart, 'utf8').trim().split('\n').map((line) => line.trim());
    for (const node of nodes) {
      const part = lines.filter((_, n) => n % nodes.length === node.index - 1);
      // Twice, so it meets the minimum local support and is among this store's proposals.
      if (node.index === 1) part.push(`${PLANTED_ITEM}:${PLANTED_UTILITY}:${PLANTED_UTILITY}`, `${PLANTED_ITEM}:${PLANTED_UTILITY}:${PLANTED_UTILITY}`);
      // Each store's exact utility of the common item becomes an 8-digit number nothing else collides with.
      part.push(`${COMMON_ITEM}:${31_337_000 + node.index}:${31_337_000 + node.index}`);
      const bytes = Buffer.from(part.join('\n') + '\n');
      const form = new FormData();
      form.append('storeId', node.storeId);
      form.append('format', 'spmf');
      form.append('file', new Blob([bytes]), node.index === 1 ? PLANTED_FILE_NAME : `part-${node.index}.txt`);
      const uploaded = await onNode(node, 'POST', '/api/transactions/upload', { form });
      assert.ok(uploaded.status === 200 || uploaded.status === 201, JSON.stringify(uploaded.body));
      assert.equal(Number(uploaded.body.rejected), 0, JSON.stringify(uploaded.body));
      const fileId: string = uploaded.body.fileId;

      const files = await onNode(node, 'GET', `/api/files?storeId=${node.storeId}`);
      assert.equal(files.status, 200, JSON.stringify(files.body));
      const kept = files.body.files.find((file: { fileId: string }) => file.fileId === fileId);
      assert.ok(kept, `file ${fileId} is listed`);
      assert.equal(kept.bucket, node.bucket, "kept in this node's own bucket");
      assert.equal(kept.kept, true);
      assert.equal(kept.sha256, (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'));
      const download = await fetch(`http://127.0.0.1:${node.ports.gateway}/api/files/${fileId}/download?storeId=${node.storeId}`, { headers: { authorization: `Bearer ${node.manager!.token}` } });
      assert.equal(download.status, 200);
      assert.ok(Buffer.from(await download.arrayBuffer()).equals(bytes), 'the download is the uploaded file, byte for byte');
      // Another node's manager cannot read it, not even through their own node.
      const other = nodes.find((n) => n !== node && n.manager);
      if (other) assert.equal((await http(node.ports.gateway, 'GET', `/api/files?storeId=${node.storeId}`, { token: other.manager!.token })).status, 403);
    }

    // The first manager mines their own store on their node and reads the results there.
    const [first] = nodes;
    const started = await onNode(first, 'POST', '/api/mining/start', { json: { storeId: first.storeId, topK: 20, maxPatternLength: 3 } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const job = await waitFor('the mining job', async () => {
      const answer = await onNode(first, 'GET', `/api/mining/jobs/${started.body.jobId}?storeId=${first.storeId}`);
      return answer.body.status === 'completed' || answer.body.status === 'failed' ? answer.body : undefined;
    }, 120_000, 250);
    assert.equal(job.status, 'completed', JSON.stringify(job));
    const results = await onNode(first, 'GET', `/api/mining/results/${started.body.jobId}?storeId=${first.storeId}&limit=20`);
    assert.equal(results.status, 200, JSON.stringify(results.body));
    assert.equal(results.body.patterns.length, 20);
    assert.ok(results.body.patterns.some((p: { items: string[] }) => p.items.includes(PLANTED_ITEM)), 'the planted item (utility 9,876,543.21 twice) is among the store\'s own top itemsets');
    // Long numbers only: a short one (9316) also appears as a segment of any UUID on the hub.
    for (const pattern of results.body.patterns as { utility: number }[]) {
      const cents = String(Math.round(pattern.utility * 100));
      if (cents.length >= 7) localResults.add(cents);
    }
    assert.ok(localResults.size > 0, 'the planted itemsets give the store long exact utilities');
  });

  test('an admin starts a round on the hub; it completes across the three nodes, and each manager reads the global results through their node', async () => {
    const started = await asAdmin('POST', '/api/federated/rounds/start', { minClients: 3, privacyBudget: 4, roundTimeout: 60, kThreshold: 3, minUtilityFraction: 0, maxPatternLength: 3, topM: 1000, storeIds: STORES });
    const roundId: string = started.id;
    const round = await waitFor(`round ${roundId}`, async () => {
      const answer = await http(hub.gateway!.httpPort, 'GET', `/api/federated/rounds/${roundId}`, { token: adminToken });
      return answer.body.status === 'completed' || answer.body.status === 'failed' ? answer.body : undefined;
    }, 300_000, 500);
    assert.equal(round.status, 'completed', `${round.failureReason}\n--- hub federation ---\n${hub.federation!.output().slice(-3000)}\n--- node 1 ---\n${nodes[0].output.slice(-3000)}`);
    assert.deepEqual(round.participants.filter((p: { state: string }) => p.state === 'contributed').map((p: { storeId: string }) => p.storeId).sort(), [...STORES].sort(), JSON.stringify(round.participants));
    completedRound = roundId;
    for (const node of nodes) {
      const global = await onNode(node, 'GET', `/api/federated/global-patterns?roundId=${roundId}&limit=1000`);
      assert.equal(global.status, 200, JSON.stringify(global.body));
      assert.ok(global.body.patterns.length > 0, 'the round published patterns');
      assert.ok(!global.body.patterns.some((p: { items: string[] }) => p.items.includes(PLANTED_ITEM)), 'an itemset only one store holds is never published');
      const ledger = await onNode(node, 'GET', `/api/privacy/ledger?storeId=${node.storeId}`);
      assert.equal(ledger.status, 200, JSON.stringify(ledger.body));
      assert.ok(JSON.stringify(ledger.body).includes(roundId), `${node.storeId}'s ledger records the round's releases`);
    }
  });

  test("a manager erases a customer on their node: the node's scheduler has its ingestion delete the rows and the kept file that held them", async () => {
    const [first] = nodes;
    const header = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
    const invoice = 700_000 + Math.floor(Math.random() * 99_000);
    const csv = [
      header,
      `${invoice + 1},85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2011-12-10 08:26:00,2.55,${PLANTED_CUSTOMER},United Kingdom`,
      `${invoice + 2},71053,WHITE METAL LANTERN,2,2011-12-11 09:00:00,3.39,${PLANTED_CUSTOMER},United Kingdom`,
      `${invoice + 3},84406B,CREAM CUPID HEARTS COAT HANGER,8,2011-12-11 10:00:00,2.75,17850,United Kingdom`,
    ].join('\n') + '\n';
    const form = new FormData();
    form.append('storeId', first.storeId);
    form.append('format', 'lineitem-csv');
    form.append('file', new Blob([csv]), `customers-${run}.csv`);
    const uploaded = await onNode(first, 'POST', '/api/transactions/upload', { form });
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    assert.equal(uploaded.body.transactionCount, 3, JSON.stringify(uploaded.body));
    const fileId: string = uploaded.body.fileId;

    const filed = await onNode(first, 'POST', '/api/erasure-requests', { json: { scope: 'customer', storeId: first.storeId, customerId: PLANTED_CUSTOMER } });
    assert.equal(filed.status, 202, JSON.stringify(filed.body));
    const report = await waitFor('the erasure to complete on the node', async () => {
      const answer = await onNode(first, 'GET', `/api/erasure-requests/${filed.body.id}`);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body.status === 'completed' ? answer.body : undefined;
    }, 120_000, 500);
    const ingestion = report.report.find((r: { service: string }) => r.service === 'ingestion');
    assert.ok(ingestion, JSON.stringify(report));
    assert.equal(ingestion.deleted.transactions, 2, JSON.stringify(ingestion));
    assert.equal(ingestion.deleted.object_storage, 1, 'the original file that held the customer is deleted from the bucket');
    const listed = await onNode(first, 'GET', `/api/transactions?storeId=${first.storeId}&limit=500`);
    const ids = listed.body.transactions.map((t: { transactionId: string }) => t.transactionId);
    assert.ok(!ids.includes(String(invoice + 1)) && !ids.includes(String(invoice + 2)) && ids.includes(String(invoice + 3)), `only the customer's transactions are gone: ${ids}`);
    const files = await onNode(first, 'GET', `/api/files?storeId=${first.storeId}`);
    assert.equal(files.body.files.find((f: { fileId: string }) => f.fileId === fileId).kept, false);
    assert.equal((await onNode(first, 'GET', `/api/files/${fileId}/download?storeId=${first.storeId}`)).status, 404);
    // The hub has no erasure route: a store's customers are the node's business.
    assert.equal((await http(hub.gateway!.httpPort, 'POST', '/api/erasure-requests', { token: adminToken, json: { scope: 'store', storeId: first.storeId } })).status, 404);
  });

  test("afterwards the hub's tables, logs, metrics and topics hold no raw row, no uploaded byte and no single store's per-pattern number", async () => {
    assert.ok(completedRound, 'needs the completed round');
    const global = await onNode(nodes[0], 'GET', `/api/federated/global-patterns?roundId=${completedRound}&limit=1000`);
    assert.ok(global.body.patterns.length > 0, 'the round published patterns, whose exact per-store numbers are searched for');
    const secrets = new Set<string>([PLANTED_ITEM, PLANTED_UTILITY, ...localResults]);
    for (const node of nodes) {
      secrets.add(String(31_337_000 + node.index));
      // What each store knows exactly about every published pattern: its own utility.
      const mining = new miningV1.MiningServiceClient(`127.0.0.1:${node.ports.miningGrpc}`, grpc.credentials.createInsecure());
      const { measurements } = await call<miningV1.MeasureItemsetsRequest, miningV1.MeasureItemsetsResponse>(mining, mining.measureItemsets, { storeId: node.storeId, itemsets: global.body.patterns.map((p: { items: string[] }) => ({ items: p.items })) });
      mining.close();
      const long = measurements.filter((m) => m.utilityCents.length >= 7);
      assert.ok(long.length > 0, `${node.storeId} has exact long utilities of published patterns (its {${COMMON_ITEM}} at least)`);
      for (const m of long) secrets.add(m.utilityCents);
    }
    // The planted item and utility, each store's 8-digit line utility of the common item, and
    // each store's exact utility of {common item} as measured for the published patterns.
    assert.ok(secrets.size >= 2 + 2 * nodes.length, `the secrets searched for (${secrets.size})`);

    let tables = '';
    for (const schema of Object.values(hubSchemas)) {
      const names: { table_name: string }[] = (await pool.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema])).rows;
      assert.ok(names.length > 0, `hub schema ${schema} exists`);
      for (const { table_name } of names) tables += JSON.stringify((await pool.query(`SELECT * FROM "${schema}"."${table_name}"`)).rows) + '\n';
    }
    let metrics = '';
    for (const service of [hub.auth!, hub.federation!, hub.gateway!]) {
      const answer = await fetch(`http://127.0.0.1:${service.httpPort}/metrics`);
      assert.equal(answer.status, 200, `${service.name} /metrics`);
      metrics += await answer.text();
    }
    const topicMessages: string[] = [];
    const consumer = new Kafka({ clientId: `${run}-reader`, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).consumer({ groupId: `${run}-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.rounds, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void topicMessages.push(`${message.key} ${message.value} ${JSON.stringify(message.headers)}`) });
    await waitFor('the rounds topic to be read', async () => topicMessages.length > 0, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    await consumer.disconnect();
    const places = {
      'hub tables': tables,
      'hub logs': [hub.auth!, hub.federation!, hub.gateway!].map((service) => service.output()).join('\n'),
      'hub metrics': metrics,
      'federation.rounds topic': topicMessages.join('\n'),
    };
    for (const [where, text] of Object.entries(places)) {
      assert.ok(text.length > 100, `${where} were read`);
      // Whole-token matches: a secret inside a longer number (an id, a timestamp) is not a leak.
      for (const secret of secrets) assert.ok(!new RegExp(`(^|[^0-9.])${secret}(?![0-9])`).test(text), `${secret} (a store's exact number or planted data) appears in the ${where}`);
      assert.ok(!text.includes(PLANTED_FILE_NAME), `the uploaded file's name appears in the ${where}`);
      assert.ok(!new RegExp(`(^|[^0-9.])${PLANTED_CUSTOMER}(?![0-9])`).test(text), `the erased customer's id appears in the ${where}`);
      assert.ok(!text.includes(nodes[0].bucket), `a node's bucket appears in the ${where}`);
    }
    // The scan is not vacuous: the planted values are where they belong, on the first node.
    assert.match(nodes[0].output + JSON.stringify((await pool.query(`SELECT file_name FROM "${schemasOf(nodes[0])[0]}".files`)).rows), new RegExp(PLANTED_FILE_NAME.replace(/[.]/g, '\\.')));
  });

  test('with the hub stopped, POS events to a node are still stored, over REST with a node API key and from Kafka', async () => {
    const [first] = nodes;
    const created = await onNode(first, 'POST', '/api/api-keys', { json: { storeId: first.storeId, name: 'till 1' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    first.apiKey = created.body.key;
    assert.ok(first.apiKey, JSON.stringify(created.body));

    for (const service of [hub.gateway!, hub.federation!, hub.auth!]) await service.kill();
    assert.equal((await http(first.ports.gateway, 'POST', '/api/auth/login', { json: { email: first.manager!.user.email, password: 'anything at all' } })).status, 503, 'sign-in needs the hub');

    const viaRest = uniqueId('rest-offline');
    const posted = await http(first.ports.gateway, 'POST', '/api/transactions/events', { apiKey: first.apiKey, json: { storeId: first.storeId, events: [posEvent(first.storeId, viaRest)] } });
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    assert.equal(posted.body.stored, 1);
    const viaKafka = uniqueId('kafka-offline');
    const producer = new Kafka({ clientId: `${run}-pos`, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: `${first.namespace}.pos.transactions.v1`, messages: [{ key: first.storeId, value: JSON.stringify(posEvent(first.storeId, viaKafka)) }] });
    await producer.disconnect();
    // The manager's token is still verified on the node with the keys it fetched from the hub.
    await waitFor('the Kafka event to be stored', () => storeHolds(first, viaKafka), 60_000, 250);
    assert.ok(await storeHolds(first, viaRest));
    // Another store's event is refused by this node's key.
    const foreign = await http(first.ports.gateway, 'POST', '/api/transactions/events', { apiKey: first.apiKey, json: { storeId: nodes[1].storeId, events: [posEvent(nodes[1].storeId, uniqueId('foreign'))] } });
    assert.equal(foreign.status, 403, JSON.stringify(foreign.body));
  });
});
