import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createInProcessBus } from '@tessera/bus';
import { testDatabaseUrl, uniqueSchema } from '@tessera/db';
import { federationV1 } from '@tessera/proto';
import { startFederationService, type FederationService } from './main';
import { FederationRepository, type RoundSettings } from './repositories/federation.repository';

const schema = `${uniqueSchema('fedstats')}_federation`;
const base = { DATABASE_URL: testDatabaseUrl(), BUS_DRIVER: 'memory', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', NODE_TLS_MODE: 'plaintext', NODE_GRPC_PORT: '0' };
let federation: FederationService;
let coordinator: federationV1.FederationServiceClient;
let dataSource: DataSource;
const bus = createInProcessBus();

const unary = <Req, Res>(method: (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req) =>
  new Promise<Res>((ok, fail) => method.call(coordinator, request, (error: grpc.ServiceError | null, response: Res) => (error ? fail(error) : ok(response))));

beforeAll(async () => {
  federation = await startFederationService(base, { schema, bus });
  coordinator = new federationV1.FederationServiceClient(`127.0.0.1:${federation.grpcPort}`, grpc.credentials.createInsecure());
  dataSource = new DataSource({ type: 'postgres', url: testDatabaseUrl(), schema });
  await dataSource.initialize();
});

afterAll(async () => {
  coordinator?.close();
  await federation?.close();
  await dataSource?.destroy();
  await bus.close();
  const pg = new Client({ connectionString: testDatabaseUrl() });
  await pg.connect();
  await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pg.end();
});

test('before any statistics round completes, both lists are empty and name no round', async () => {
  const series = await unary<federationV1.ListDemandSeriesRequest, federationV1.ListDemandSeriesResponse>(coordinator.listDemandSeries, { roundId: '', skus: [] });
  assert.equal(series.round, undefined);
  assert.deepEqual(series.points, []);
  const prices = await unary<federationV1.ListPriceResponsesRequest, federationV1.ListPriceResponsesResponse>(coordinator.listPriceResponses, { roundId: '' });
  assert.equal(prices.round, undefined);
  assert.deepEqual(prices.items, []);
  await assert.rejects(unary(coordinator.listDemandSeries, { roundId: 'nope', skus: [] }), (error: grpc.ServiceError) => error.code === grpc.status.INVALID_ARGUMENT && /roundId/.test(error.details));
});

test('a demand-series round taking the top items of an itemset round is refused while none has completed', async () => {
  const config = federationV1.RoundConfig.fromPartial({ minStores: 3, epsilon: 4, kind: federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES, catalogue: { skus: [], topItems: 20 }, period: 'week' });
  await assert.rejects(unary(coordinator.startRound, { config, requestedBy: 'test' }), (error: grpc.ServiceError) => error.code === grpc.status.INVALID_ARGUMENT && /catalogue/.test(error.details));
  const badPeriod = federationV1.RoundConfig.fromPartial({ minStores: 3, epsilon: 4, kind: federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES, catalogue: { skus: ['A'] }, period: 'fortnight' });
  await assert.rejects(unary(coordinator.startRound, { config: badPeriod, requestedBy: 'test' }), (error: grpc.ServiceError) => error.code === grpc.status.INVALID_ARGUMENT && /period/.test(error.details));
});

test('published points and elasticities are listed for the latest round of their kind, and filtered by sku', async () => {
  const repository = new FederationRepository(dataSource);
  const settings = (kind: RoundSettings['kind']): RoundSettings => ({ kind, minStores: 3, epsilon: 4, delta: 1e-5, kThreshold: 3, minUtilityFraction: 0, maxPatternLength: 3, topM: 10, stageTimeoutSeconds: 5, storeIds: [], period: 'week' });
  const seriesRound = randomUUID();
  await repository.createRound(seriesRound, settings('demand-series'), 'test');
  const point = (sku: string, periodStart: string, quantity: number) => ({ sku, periodStart, quantity, revenueCents: quantity * 100, quantitySigma: 2, revenueSigmaCents: 200, quantityLow95: quantity - 3.92, quantityHigh95: quantity + 3.92, revenueLow95Cents: quantity * 100 - 392, revenueHigh95Cents: quantity * 100 + 392 });
  await repository.completeDemandSeries(seriesRound, [point('A', '2011-01-03', 10), point('A', '2011-01-10', 12), point('B', '2011-01-03', 7)]);
  const priceRound = randomUUID();
  await repository.createRound(priceRound, settings('price-response'), 'test');
  await repository.completePriceResponses(priceRound, [{ sku: 'A', elasticity: -1.2, stdError: 0.1, low95: -1.4, high95: -1, observations: 300 }, { sku: 'B', observations: 2 }]);

  const series = await unary<federationV1.ListDemandSeriesRequest, federationV1.ListDemandSeriesResponse>(coordinator.listDemandSeries, { roundId: '', skus: ['A'] });
  assert.equal(series.round?.roundId, seriesRound);
  assert.equal(series.round?.config?.kind, federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES);
  assert.equal(series.period, 'week');
  assert.deepEqual(series.points.map((p) => [p.sku, p.periodStart, p.quantity]), [['A', '2011-01-03', 10], ['A', '2011-01-10', 12]]);
  const prices = await unary<federationV1.ListPriceResponsesRequest, federationV1.ListPriceResponsesResponse>(coordinator.listPriceResponses, { roundId: priceRound });
  assert.deepEqual(prices.items.map((i) => [i.sku, i.elasticity, i.observations]), [['A', -1.2, 300], ['B', NaN, 2]]);
  await assert.rejects(unary(coordinator.listPriceResponses, { roundId: seriesRound }), (error: grpc.ServiceError) => error.code === grpc.status.FAILED_PRECONDITION);
  const patterns = await unary<federationV1.ListGlobalPatternsRequest, federationV1.ListGlobalPatternsResponse>(coordinator.listGlobalPatterns, { roundId: '', limit: 10, offset: 0 });
  assert.equal(patterns.round, undefined, 'the latest itemset round is not a statistics round');
});

test('a catalogue of the top items takes them from the latest itemset round, by summed published utility', async () => {
  const repository = new FederationRepository(dataSource);
  const itemsetRound = randomUUID();
  await repository.createRound(itemsetRound, { minStores: 3, epsilon: 4, delta: 1e-5, kThreshold: 3, minUtilityFraction: 0, maxPatternLength: 3, topM: 10, stageTimeoutSeconds: 5, storeIds: [] }, 'test');
  const pattern = (items: string[], utility: number) => ({ items, aggregatedUtilityCents: utility, globalSupport: 1, contributingStores: 3, coverage: 1, intervalLowCents: utility - 1, intervalHighCents: utility + 1 });
  // X: 50 + 40 = 90, Y: 40 + 30 = 70, Z: 60.
  await repository.complete(itemsetRound, [pattern(['X'], 50), pattern(['X', 'Y'], 40), pattern(['Y'], 30), pattern(['Z'], 60)]);
  const config = federationV1.RoundConfig.fromPartial({ minStores: 3, epsilon: 4, kind: federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES, catalogue: { topItems: 2 }, period: 'month', toDate: '2011-12-09' });
  const { round } = await unary<federationV1.StartRoundRequest, federationV1.StartRoundResponse>(coordinator.startRound, { config, requestedBy: 'test' });
  assert.deepEqual(round?.config?.catalogue?.skus, ['X', 'Y']);
  assert.equal(round?.config?.fromDate, '2011-01-01', '12 months ending with December 2011');
  assert.equal(round?.config?.kind, federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES);
});
