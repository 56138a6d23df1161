import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { Client } from 'pg';
import { createInProcessBus } from '@tessera/bus';
import { testDatabaseUrl, uniqueSchema, testObjectStorageEnv } from '@tessera/db';
import { federationV1, ingestionV1 } from '@tessera/proto';
import type { RunningService } from '@tessera/common';
import { startIngestionService } from '@tessera/ingestion-service';
import { startMiningService } from '@tessera/mining-service';
import { startPrivacyService, type PrivacyService } from '@tessera/privacy-service';
import { startFederationService, type FederationService } from './main';

// Three stores of synthetic line-item sales (no dataset needed): store s sells, in each of six
// weeks from Monday 2011-01-03, (10 + s + week) invoices of item A (quantity 2 at 1.50) and
// one of item B (quantity 5 at 3.00).
const stores = ['ds-1', 'ds-2', 'ds-3'];
const prefix = uniqueSchema('fedds');
const bus = createInProcessBus();
const running: RunningService[] = [];
let federation: FederationService;
let privacy: PrivacyService;
let coordinator: federationV1.FederationServiceClient;
const base = { DATABASE_URL: testDatabaseUrl(), BUS_DRIVER: 'memory', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', NODE_TLS_MODE: 'plaintext', CUSTOMER_HASH_KEY: 'test-key-0123456789abcdef0123456789', ...testObjectStorageEnv() };
const exact = new Map<string, number>();

function csvFor(s: number): string {
  const rows = ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'];
  let invoice = 100000 * (s + 1);
  for (let week = 0; week < 6; week++) {
    const day = new Date(Date.UTC(2011, 0, 3 + 7 * week, 10));
    const date = day.toISOString().slice(0, 10);
    for (let n = 0; n < 10 + s + week; n++) rows.push(`${invoice++},A,ITEM A,2,${date} 10:00:00,1.50,1.0,UK`);
    rows.push(`${invoice++},B,ITEM B,5,${date} 11:00:00,3.00,2.0,UK`);
    exact.set(`A|${date}`, (exact.get(`A|${date}`) ?? 0) + 2 * (10 + s + week));
    exact.set(`B|${date}`, (exact.get(`B|${date}`) ?? 0) + 5);
  }
  return rows.join('\n') + '\n';
}

function upload(client: ingestionV1.IngestionServiceClient, storeId: string, content: string): Promise<ingestionV1.FileSummary> {
  return new Promise((ok, fail) => {
    const stream = client.uploadFile((error, response) => (error ? fail(error) : ok(response.file!)));
    stream.write({ part: { $case: 'header', value: { storeId, fileName: `${storeId}.csv`, format: ingestionV1.FileFormat.FILE_FORMAT_LINEITEM_CSV, requestId: '', mode: '' } } });
    const bytes = Buffer.from(content);
    stream.write({ part: { $case: 'chunk', value: bytes } });
    stream.write({ part: { $case: 'end', value: { bytes: String(bytes.length) } } });
    stream.end();
  });
}

const unary = <Req, Res>(method: (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req) =>
  new Promise<Res>((ok, fail) => method.call(coordinator, request, (error: grpc.ServiceError | null, response: Res) => (error ? fail(error) : ok(response))));

beforeAll(async () => {
  federation = await startFederationService({ ...base, NODE_GRPC_PORT: '0', DEFAULT_STAGE_TIMEOUT_SECONDS: '60' }, { bus, schema: `${prefix}_federation` });
  running.push(federation);
  const ingestion = await startIngestionService({ ...base, POS_CONSUMER_ENABLED: 'false' }, { bus, schema: `${prefix}_ingestion` });
  running.push(ingestion);
  const mining = await startMiningService({ ...base, INGESTION_GRPC_URL: `127.0.0.1:${ingestion.grpcPort}` }, { bus, schema: `${prefix}_mining` });
  running.push(mining);
  const client = new ingestionV1.IngestionServiceClient(`127.0.0.1:${ingestion.grpcPort}`, grpc.credentials.createInsecure());
  for (const [s, storeId] of stores.entries()) assert.equal(Number((await upload(client, storeId, csvFor(s))).rejected), 0);
  client.close();
  privacy = await startPrivacyService(
    { ...base, MINING_GRPC_URL: `127.0.0.1:${mining.grpcPort}`, FEDERATION_HUB_URL: `127.0.0.1:${federation.nodePort}`, FEDERATION_AUTO_ENROL_URL: `127.0.0.1:${federation.grpcPort}`, FEDERATION_STORE_IDS: stores.join(',') },
    { bus, schema: `${prefix}_privacy` },
  );
  running.push(privacy);
  coordinator = new federationV1.FederationServiceClient(`127.0.0.1:${federation.grpcPort}`, grpc.credentials.createInsecure());
  const deadline = Date.now() + 20_000;
  while (federation.registry.connected().length < stores.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
});

afterAll(async () => {
  coordinator?.close();
  for (const service of running.reverse()) await service.close();
  await bus.close();
  const pg = new Client({ connectionString: testDatabaseUrl() });
  await pg.connect();
  for (const suffix of ['federation', 'ingestion', 'mining', 'privacy']) await pg.query(`DROP SCHEMA IF EXISTS "${prefix}_${suffix}" CASCADE`);
  await pg.end();
});

async function roundUntilDone(roundId: string): Promise<federationV1.Round> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { round } = await unary<federationV1.GetRoundRequest, federationV1.GetRoundResponse>(coordinator.getRound, { roundId });
    if (round!.status === federationV1.RoundStatus.ROUND_STATUS_COMPLETED || round!.status === federationV1.RoundStatus.ROUND_STATUS_FAILED) return round!;
    if (Date.now() > deadline) throw new Error(`round ${roundId} stuck in status ${round!.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a demand-series round across three stores publishes weekly sums near the exact ones, and each store ledger names the kind', async () => {
  assert.equal(federation.registry.connected().length, 3);
  const config = federationV1.RoundConfig.fromPartial({
    kind: federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES,
    minStores: 3,
    epsilon: 10,
    delta: 1e-5,
    kThreshold: 3,
    stageTimeoutSeconds: 60,
    catalogue: { skus: ['A', 'B'] },
    period: 'week',
    fromDate: '2011-01-03',
    toDate: '2011-02-13',
    demandBounds: { maxQuantityPerTransaction: 10, maxRevenueCentsPerTransaction: 2000 },
  });
  const { round: started } = await unary<federationV1.StartRoundRequest, federationV1.StartRoundResponse>(coordinator.startRound, { config, requestedBy: 'test' });
  const round = await roundUntilDone(started!.roundId);
  assert.equal(round.status, federationV1.RoundStatus.ROUND_STATUS_COMPLETED, round.failureReason);
  assert.equal(round.participants.filter((p) => p.state === 'contributed').length, 3);
  const { points, period } = await unary<federationV1.ListDemandSeriesRequest, federationV1.ListDemandSeriesResponse>(coordinator.listDemandSeries, { roundId: '', skus: [] });
  assert.equal(period, 'week');
  assert.equal(points.length, 2 * 6, 'two items × six weeks');
  for (const p of points) {
    const truth = exact.get(`${p.sku}|${p.periodStart}`)!;
    assert.ok(truth > 0, `${p.sku} ${p.periodStart} is a week of the data`);
    assert.ok(Math.abs(p.quantity - truth) < 6 * p.quantitySigma, `${p.sku} ${p.periodStart}: ${p.quantity} vs ${truth} (σ ${p.quantitySigma})`);
    assert.ok(p.quantityLow95 < p.quantity && p.quantity < p.quantityHigh95);
  }
  for (const storeId of stores) {
    const { entries } = await privacy.budgets.ledger(storeId, 10, 0);
    const entry = entries.find((e) => e.round_id === round.roundId);
    assert.equal(entry?.release_id, 'demand-series', `${storeId} paid for the demand series`);
    assert.match(JSON.stringify(entry), /quantity of 2 items in 6 weeks and their revenue over the window/);
  }
}, 180_000);
