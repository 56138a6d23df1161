/**
 * Insights end to end: five stores on one store node (ingestion, mining, privacy) and the hub
 * (federation, auth, gateway), insights as both roles, each its own process on the real
 * Postgres and Kafka. The stores' files go in through the gateway; a round completes;
 * insights refresh on their own (round and batch events); the dashboard's endpoints answer a
 * store manager with their store's and the consortium's results, and a coordinator with the
 * consortium's only.
 */
import assert from 'node:assert/strict';
import { waitFor } from './support/processes';
import { uniqueId } from './support/infra';
import { createAndLogin, http, startAuthStack, type AuthStack, type Session } from './support/auth-stack';
import { syntheticStoreFile } from './support/synthetic-baskets';

const run = uniqueId('ins');
const STORES = [1, 2, 3, 4, 5].map((i) => `${run}-s${i}`);
const region = `${run}-region`;
const otherStore = `${run}-outside`;
const PRICED = 'PRICED1';

let stack: AuthStack;
let manager: Session;
let coordinator: Session;
let roundId = '';

const get = (session: Session, path: string) => http(stack.port, 'GET', path, { token: session.token });

describe('insights: a round completes, insights refresh, managers and coordinators read them', () => {
  jest.setTimeout(10 * 60_000);
  beforeAll(async () => {
    stack = await startAuthStack({ federatedStores: STORES, gatewayEnv: { RATE_LIMIT_PER_IP: '100000', RATE_LIMIT_PER_USER: '100000' }, insightsEnv: { LOG_LEVEL: process.env.INSIGHTS_E2E_LOG ? 'info' : 'warn' } });
    const admin = stack.admin.session.token;
    const ok = async (method: string, path: string, json: unknown) => {
      const answer = await http(stack.port, method, path, { token: admin, json });
      assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    };
    await ok('POST', '/api/regions', { id: region, name: 'Insights region' });
    for (const storeId of STORES) await ok('POST', '/api/stores', { id: storeId, name: storeId, regionId: region });
    await ok('POST', '/api/stores', { id: otherStore, name: 'Outside' });
    for (const [index, storeId] of STORES.entries()) {
      const form = new FormData();
      form.append('storeId', storeId);
      form.append('format', 'lineitem-csv');
      form.append('file', new Blob([syntheticStoreFile(index + 1, { seed: 1000 })]), 'baskets.csv');
      const uploaded = await http(stack.port, 'POST', '/api/transactions/upload', { token: admin, form });
      assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    }
    manager = await createAndLogin(stack, { role: 'store_manager', storeId: STORES[0] });
    coordinator = await createAndLogin(stack, { role: 'regional_coordinator', regionId: region });
  });

  afterAll(async () => {
    // The insights process's log, for a failed run: INSIGHTS_E2E_LOG=/tmp/insights.log
    if (process.env.INSIGHTS_E2E_LOG && stack) (await import('node:fs')).writeFileSync(process.env.INSIGHTS_E2E_LOG, stack.insights.output());
    await stack?.close();
  });

  test('a round completes and the consortium bundles follow it', async () => {
    await waitFor('the five stores to connect to the hub', async () => {
      const answer = await get(coordinator, '/api/federated/stores');
      return answer.status === 200 && STORES.every((id) => answer.body.stores.some((s: { storeId: string; connected: boolean }) => s.storeId === id && s.connected));
    }, 60_000);
    const started = await http(stack.port, 'POST', '/api/federated/rounds/start', {
      token: coordinator.token,
      json: { minClients: 5, privacyBudget: 4, kThreshold: 5, maxPatternLength: 2, topM: 50, roundTimeout: 60, storeIds: STORES },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    roundId = started.body.id;
    const round = await waitFor('the round to complete', async () => {
      const answer = await get(coordinator, `/api/federated/rounds/${roundId}`);
      if (answer.body.status === 'failed') throw new Error(`the round failed: ${answer.body.failureReason}`);
      return answer.body.status === 'completed' && answer.body;
    }, 180_000, 500);
    assert.ok(round.patternCount > 0);

    const bundles = await waitFor('the consortium bundles of the round', async () => {
      const answer = await get(coordinator, '/api/insights/consortium/bundles');
      return answer.status === 200 && answer.body.round?.roundId === roundId && answer.body;
    }, 60_000, 500);
    const mugCoaster = bundles.bundles.find((b: { items: { sku: string }[] }) => b.items.map((i) => i.sku).sort().join() === 'COASTER1,MUG1');
    assert.ok(mugCoaster, `the mug and coaster bundle: ${JSON.stringify(bundles.bundles)}`);
    assert.ok(mugCoaster.revenueImpactCents > 0);
    // The round publishes its noisy transaction count and the supports of the bundle's parts, so
    // the hub has support, confidence and lift with an interval that includes the DP noise.
    assert.ok(round.transactions?.count > 0 && round.transactions.sigma > 0, `the round publishes N with its σ: ${JSON.stringify(round.transactions)}`);
    assert.equal(mugCoaster.reason, undefined, mugCoaster.reason);
    assert.ok(mugCoaster.confidence > 0 && mugCoaster.confidence <= 1, JSON.stringify(mugCoaster));
    assert.ok(mugCoaster.support > 0 && mugCoaster.support < 1);
    assert.ok(mugCoaster.liftLow95 < mugCoaster.lift && mugCoaster.lift < mugCoaster.liftHigh95, JSON.stringify(mugCoaster));
    assert.equal(mugCoaster.liftAboveOne, mugCoaster.liftLow95 > 1);
    for (const bundle of bundles.bundles) {
      assert.ok(bundle.items.length >= 2);
      assert.equal(bundle.store, undefined, 'the consortium view names no store');
      if (bundle.lift === null) assert.ok(bundle.reason, 'a bundle without lift says why');
    }
    const ranked = bundles.bundles.map((b: { revenueImpactCents: number }) => b.revenueImpactCents);
    assert.deepEqual(ranked, [...ranked].sort((a, b) => b - a));
  });

  test("the store manager sees the consortium's bundles with their own store's exact measure", async () => {
    const answer = await waitFor("the store's bundles after the round", async () => {
      const bundles = await get(manager, `/api/insights/bundles?storeId=${STORES[0]}`);
      return bundles.status === 200 && bundles.body.round?.roundId === roundId && bundles.body;
    }, 90_000, 500);
    const mugCoaster = answer.bundles.find((b: { items: { sku: string; name: string }[] }) => b.items.map((i) => i.sku).sort().join() === 'COASTER1,MUG1');
    assert.ok(mugCoaster?.store, JSON.stringify(answer.bundles));
    assert.ok(mugCoaster.items.some((i: { name: string }) => i.name === 'RED MUG'), 'names come from the store');
    assert.ok(mugCoaster.store.utilityCents > 0 && mugCoaster.store.support > 0.2 && mugCoaster.store.support < 0.6);
    assert.ok(mugCoaster.store.confidence > 0.5 && mugCoaster.store.lift > 1, JSON.stringify(mugCoaster.store));
    assert.equal((await get(manager, `/api/insights/bundles?storeId=${STORES[1]}`)).status, 403, 'not another store');
  });

  test("the store manager reads their store's forecasts and prices", async () => {
    const forecasts = await waitFor("the store's weekly forecasts", async () => {
      const answer = await get(manager, `/api/insights/forecasts?storeId=${STORES[0]}&period=week&horizon=4&top=3`);
      return answer.status === 200 && answer.body.forecasts.length > 0 && answer.body;
    }, 90_000, 500);
    assert.equal(forecasts.forecasts.length, 3);
    for (const forecast of forecasts.forecasts) {
      assert.equal(forecast.points.length, 4);
      assert.ok(['seasonal-naive', 'auto-ets', 'mstl-ets'].includes(forecast.model));
      assert.equal(forecast.fellBack, forecast.model === 'seasonal-naive');
      assert.ok(forecast.history.length > 20);
      assert.ok(forecast.backtest && forecast.backtest.mase >= 0 && forecast.backtest.seasonalNaiveMase >= 0);
      for (const p of forecast.points) assert.ok(p.lower95 <= p.lower80 && p.lower80 <= p.quantity && p.quantity <= p.upper80 && p.upper80 <= p.upper95);
      assert.equal(new Date(`${forecast.points[0].period}T00:00:00Z`).getUTCDay(), 1, 'weeks start Monday');
    }
    const one = await get(manager, `/api/insights/forecasts?storeId=${STORES[0]}&period=day&sku=${PRICED}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.forecasts.map((f: { sku: string }) => f.sku), [PRICED]);
    assert.equal(one.body.forecasts[0].points.length, 28);

    const prices = await get(manager, `/api/insights/prices?storeId=${STORES[0]}`);
    assert.equal(prices.status, 200);
    const priced = prices.body.items.find((i: { sku: string }) => i.sku === PRICED);
    assert.ok(priced && priced.elasticity < -1.5 && priced.elasticity > -3.5, JSON.stringify(priced));
    assert.equal(priced.recommendation?.action, 'lower', priced.reason);
    assert.ok(priced.recommendation.low <= priced.recommendation.expectedRevenueChangePercent && priced.recommendation.expectedRevenueChangePercent <= priced.recommendation.high);
    for (const item of prices.body.items) if (!item.recommendation) assert.match(item.reason, /not enough evidence/);
  });

  test('a stock snapshot gives reorder alerts; a bad one is refused naming the field', async () => {
    const bad = await http(stack.port, 'POST', `/api/insights/stock?storeId=${STORES[0]}`, { token: manager.token, json: { countedAt: '2011-07-03T18:00:00Z', items: [{ sku: 'MUG1', stock: -3 }] } });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body.message), /\/items\/0\/stock/);
    const snapshot = { countedAt: '2011-07-03T18:00:00Z', defaultLeadTimeDays: 7, items: [{ sku: 'MUG1', stock: 3, serviceLevel: 99 }, { sku: 'TEA1', stock: 100000 }] };
    const recorded = await http(stack.port, 'POST', `/api/insights/stock?storeId=${STORES[0]}`, { token: manager.token, json: snapshot });
    assert.equal(recorded.status, 200, JSON.stringify(recorded.body));
    assert.equal(recorded.body.items, 2);
    const alerts = await waitFor('reorder alerts for both counted items', async () => {
      const answer = await get(manager, `/api/insights/stock-alerts?storeId=${STORES[0]}`);
      return answer.status === 200 && answer.body.alerts.length === 2 && answer.body.alerts;
    }, 60_000, 500);
    assert.equal(alerts[0].sku, 'MUG1', 'alerts first');
    assert.equal(alerts[0].belowReorderPoint, true);
    assert.equal(alerts[0].serviceLevel, 99);
    assert.ok(alerts[0].reorderPoint > 3 && alerts[0].daysToStockOut < 7, JSON.stringify(alerts[0]));
    assert.equal(alerts[1].belowReorderPoint, false);
    assert.equal(alerts[1].daysToStockOut, null);
    assert.equal((await http(stack.port, 'POST', `/api/insights/stock?storeId=${STORES[1]}`, { token: manager.token, json: snapshot })).status, 403);
  });

  test("a coordinator reads the consortium's results and no store's own", async () => {
    for (const path of ['/api/insights/consortium/forecasts?period=week', '/api/insights/consortium/prices', '/api/insights/consortium/anomalies']) {
      const answer = await get(coordinator, path);
      assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
    }
    // No demand-series or price-response round ran: the consortium has nothing to show yet, and says so by an empty list.
    assert.deepEqual((await get(coordinator, '/api/insights/consortium/forecasts')).body.forecasts, []);
    for (const path of [`/api/insights/forecasts?storeId=${STORES[0]}`, `/api/insights/prices?storeId=${STORES[0]}`, `/api/insights/bundles?storeId=${STORES[0]}`, `/api/insights/stock-alerts?storeId=${STORES[0]}`]) {
      assert.equal((await get(coordinator, path)).status, 403, `${path} is the store's own`);
    }
    const managerView = await get(manager, '/api/insights/consortium/bundles');
    assert.equal(managerView.status, 200);
    assert.ok(managerView.body.bundles.every((b: { store?: unknown }) => b.store === undefined));
  });
});
