/**
 * A demand-series round started and read through the gateway's REST API: the hub's front door
 * (auth, gateway, federation as their own processes) and one store-node process speaking for
 * three stores of synthetic dated sales, on the real Postgres, Redis and Kafka. A regional
 * coordinator starts the round for their region; its weekly sums come back within the noise
 * the round publishes; a malformed request is refused naming its field and starts nothing.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Kafka, logLevel } from 'kafkajs';
import { ingestionV1 } from '@tessera/proto';
import { createAndLogin, http, startAuthStack, type AuthStack } from './support/auth-stack';
import { DATABASE_URL, KAFKA_BROKERS, S3_ENV, uniqueId } from './support/infra';
import { freePort, REPO_ROOT, waitFor } from './support/processes';

const run = uniqueId('fedrest').replace(/-/g, '_');
const region = uniqueId('region');
const STORES = [0, 1, 2].map((i) => `${run.replace(/_/g, '-')}-s${i}`);
const WEEKS = 6;
/** Exact weekly quantity per `sku|week start`, over the three stores. */
const exact = new Map<string, number>();

/** Store s sells, in each of six weeks from Monday 2011-01-03, (10 + s + week) invoices of A (2 at 1.50) and one of B (5 at 3.00). */
function csvFor(s: number): string {
  const rows = ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'];
  let invoice = 100000 * (s + 1);
  for (let week = 0; week < WEEKS; week++) {
    const date = new Date(Date.UTC(2011, 0, 3 + 7 * week, 10)).toISOString().slice(0, 10);
    for (let n = 0; n < 10 + s + week; n++) rows.push(`${invoice++},A,ITEM A,2,${date} 10:00:00,1.50,1.0,UK`);
    rows.push(`${invoice++},B,ITEM B,5,${date} 11:00:00,3.00,2.0,UK`);
    exact.set(`A|${date}`, (exact.get(`A|${date}`) ?? 0) + 2 * (10 + s + week));
    exact.set(`B|${date}`, (exact.get(`B|${date}`) ?? 0) + 5);
  }
  return rows.join('\n') + '\n';
}

function upload(port: number, storeId: string, content: string): Promise<ingestionV1.FileSummary> {
  const client = new ingestionV1.IngestionServiceClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise<ingestionV1.FileSummary>((ok, fail) => {
    const stream = client.uploadFile((error, response) => (error ? fail(error) : ok(response.file!)));
    stream.write({ part: { $case: 'header', value: { storeId, fileName: `${storeId}.csv`, format: ingestionV1.FileFormat.FILE_FORMAT_LINEITEM_CSV, requestId: '', mode: '' } } });
    const bytes = Buffer.from(content);
    stream.write({ part: { $case: 'chunk', value: bytes } });
    stream.write({ part: { $case: 'end', value: { bytes: String(bytes.length) } } });
    stream.end();
  }).finally(() => client.close());
}

let stack: AuthStack;
let node: ChildProcess | undefined;
let nodeOutput = '';
let coordinatorToken = '';

describe('federated statistics rounds through REST (gateway + hub + a store-node process)', () => {
  jest.setTimeout(10 * 60_000);

  beforeAll(async () => {
    const nodePort = await freePort();
    stack = await startAuthStack({ federationEnv: { NODE_GRPC_PORT: String(nodePort), DEFAULT_STAGE_TIMEOUT_SECONDS: '60' }, nodeCertificateStores: STORES });
    const asAdmin = async (path: string, json: unknown) => {
      const answer = await http(stack.port, 'POST', path, { token: stack.admin.session.token, json });
      if (answer.status >= 300) throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    };
    await asAdmin('/api/regions', { id: region, name: 'REST round region' });
    for (const storeId of STORES) await asAdmin('/api/stores', { id: storeId, name: storeId, regionId: region });
    coordinatorToken = (await createAndLogin(stack, { role: 'regional_coordinator', regionId: region })).token;

    const batchesTopic = `ingestion.batches.v1.${run}`;
    const kafkaAdmin = new Kafka({ clientId: run, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.createTopics({ waitForLeaders: true, topics: [{ topic: batchesTopic, numPartitions: 1 }] }).finally(() => kafkaAdmin.disconnect());
    const ports = { ingestionHttp: await freePort(), ingestionGrpc: await freePort(), miningHttp: await freePort(), miningGrpc: await freePort(), privacyHttp: await freePort(), privacyGrpc: await freePort() };
    const env: Record<string, string> = {
      ...process.env,
      ...S3_ENV,
      LOG_LEVEL: 'warn',
      DATABASE_URL,
      BUS_DRIVER: 'kafka',
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      BATCHES_TOPIC: batchesTopic,
      CUSTOMER_HASH_KEY: 'e2e-customer-hash-key-0123456789abcdef',
      POS_CONSUMER_ENABLED: 'false',
      INGESTION__HTTP_PORT: String(ports.ingestionHttp),
      INGESTION__GRPC_PORT: String(ports.ingestionGrpc),
      INGESTION__DATABASE_SCHEMA: `${run}_ingestion`,
      MINING__HTTP_PORT: String(ports.miningHttp),
      MINING__GRPC_PORT: String(ports.miningGrpc),
      MINING__DATABASE_SCHEMA: `${run}_mining`,
      MINING__INGESTION_GRPC_URL: `127.0.0.1:${ports.ingestionGrpc}`,
      PRIVACY__HTTP_PORT: String(ports.privacyHttp),
      PRIVACY__GRPC_PORT: String(ports.privacyGrpc),
      PRIVACY__DATABASE_SCHEMA: `${run}_privacy`,
      PRIVACY__MINING_GRPC_URL: `127.0.0.1:${ports.miningGrpc}`,
      FEDERATION_HUB_URL: `127.0.0.1:${nodePort}`,
      FEDERATION_AUTO_ENROL_URL: `127.0.0.1:${stack.federation.grpcPort}`,
      FEDERATION_STORE_IDS: STORES.join(','),
      // mTLS to the hub's node port, one throwaway certificate per store.
      ...stack.nodeTls.multiStoreNodeEnv,
    };
    const child = spawn(process.execPath, [resolve(REPO_ROOT, 'apps/cli/bin/tessera.js'), 'serve', 'ingestion,mining,privacy'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (nodeOutput = (nodeOutput + d).slice(-20_000)));
    child.stderr!.on('data', (d) => (nodeOutput = (nodeOutput + d).slice(-20_000)));
    node = child;
    const exited = new Promise<never>((_, fail) => child.once('exit', () => fail(new Error(`the store node exited: ${nodeOutput.slice(-2000)}`))));
    exited.catch(() => undefined);
    await Promise.race([exited, waitFor('the store node', async () => (await fetch(`http://127.0.0.1:${ports.privacyHttp}/health/ready`)).status === 200, 90_000)]);
    for (const [s, storeId] of STORES.entries()) assert.equal(Number((await upload(ports.ingestionGrpc, storeId, csvFor(s))).rejected), 0);
    await waitFor('the three stores connected to the hub', async () => {
      const answer = await http(stack.port, 'GET', '/api/federated/stores', { token: coordinatorToken });
      return answer.status === 200 && answer.body.stores.filter((s: { connected: boolean }) => s.connected).length === STORES.length;
    }, 60_000);
  });

  afterAll(async () => {
    if (node && node.exitCode === null) {
      const exited = new Promise((r) => node!.once('exit', r));
      node.kill('SIGTERM');
      await exited;
    }
    await stack?.close();
    const { Pool } = await import('pg');
    const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
    for (const suffix of ['ingestion', 'mining', 'privacy']) await pool.query(`DROP SCHEMA IF EXISTS "${run}_${suffix}" CASCADE`).catch(() => undefined);
    await pool.end();
  });

  test('a malformed statistics round is a 400 naming the field, and starts nothing', async () => {
    const before = (await http(stack.port, 'GET', '/api/federated/rounds', { token: coordinatorToken })).body.total;
    const cases: [object, RegExp][] = [
      [{ kind: 'demand-series', minClients: 3, privacyBudget: 4, period: 'week' }, /catalogue is required/],
      [{ kind: 'demand-series', minClients: 3, privacyBudget: 4, catalogue: { skus: ['A'] }, period: 'fortnight' }, /period must be one of day, week, month/],
      [{ kind: 'demand-series', minClients: 3, privacyBudget: 4, catalogue: { topItems: 0 } }, /catalogue\.topItems must not be less than 1/],
      [{ kind: 'price-response', minClients: 3, privacyBudget: 4, catalogue: { skus: ['A'] }, priceBounds: { minUnitPrice: 3, maxUnitPrice: 1 } }, /priceBounds\.minUnitPrice must be below/],
      [{ minClients: 3, privacyBudget: 4, period: 'week' }, /period applies to demand-series and price-response rounds only/],
    ];
    for (const [json, message] of cases) {
      const answer = await http(stack.port, 'POST', '/api/federated/rounds/start', { token: coordinatorToken, json });
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.match(JSON.stringify(answer.body.message), message);
    }
    assert.equal((await http(stack.port, 'GET', '/api/federated/rounds', { token: coordinatorToken })).body.total, before, 'no refused request started a round');
  });

  test("a coordinator starts a demand-series round for their region; its weekly sums come back within the published noise", async () => {
    const started = await http(stack.port, 'POST', '/api/federated/rounds/start', {
      token: coordinatorToken,
      json: { kind: 'demand-series', minClients: 3, privacyBudget: 10, roundTimeout: 60, catalogue: { skus: ['A', 'B'] }, period: 'week', fromDate: '2011-01-03', toDate: '2011-02-13', demandBounds: { maxQuantityPerTransaction: 10, maxRevenuePerTransaction: 20 } },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.kind, 'demand-series');
    assert.deepEqual([...started.body.config.storeIds].sort(), [...STORES].sort(), 'the region is invited');
    assert.deepEqual(started.body.config.catalogue.skus, ['A', 'B']);
    assert.equal(started.body.config.demandBounds.maxRevenuePerTransaction, 20);
    const roundId: string = started.body.id;
    const round = await waitFor(`round ${roundId}`, async () => {
      const answer = await http(stack.port, 'GET', `/api/federated/rounds/${roundId}`, { token: coordinatorToken });
      return answer.body.status === 'completed' || answer.body.status === 'failed' ? answer.body : undefined;
    }, 180_000, 250);
    assert.equal(round.status, 'completed', `${round.failureReason}\n--- node ---\n${nodeOutput.slice(-3000)}`);

    const answer = await http(stack.port, 'GET', `/api/federated/rounds/${roundId}/demand-series`, { token: coordinatorToken });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.period, 'week');
    assert.equal(answer.body.round.id, roundId);
    assert.equal(answer.body.series.length, 2 * WEEKS, 'two items × six weeks');
    for (const p of answer.body.series) {
      const truth = exact.get(`${p.sku}|${p.period}`)!;
      assert.ok(truth > 0, `${p.sku} ${p.period} is a week of the data`);
      assert.ok(p.noise.quantitySigma > 0);
      assert.ok(Math.abs(p.quantity - truth) < 6 * p.noise.quantitySigma, `${p.sku} ${p.period}: ${p.quantity} vs ${truth} (σ ${p.noise.quantitySigma})`);
      assert.ok(p.interval.quantity[0] < p.quantity && p.quantity < p.interval.quantity[1]);
    }
    const onlyB = await http(stack.port, 'GET', `/api/federated/rounds/${roundId}/demand-series?skus=B`, { token: coordinatorToken });
    assert.deepEqual([...new Set(onlyB.body.series.map((p: { sku: string }) => p.sku))], ['B']);
    const latest = await http(stack.port, 'GET', '/api/federated/demand-series', { token: coordinatorToken });
    assert.equal(latest.body.round.id, roundId);
    const wrongKind = await http(stack.port, 'GET', `/api/federated/rounds/${roundId}/price-responses`, { token: coordinatorToken });
    assert.equal(wrongKind.status, 409);
    assert.match(wrongKind.body.message, /demand-series round, not a price-response round/);
  });
});
