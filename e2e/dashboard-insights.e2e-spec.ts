/**
 * The dashboard's insights and scheduler views in a real browser (Debian's Chromium through
 * playwright-core) against the real stack (every service its own process, Postgres, Kafka):
 * an itemset, a demand-series and a price-response round complete; a store manager reads
 * bundles (own vs consortium), forecasts with interval bands, price hints and stock alerts
 * (after a stock count upload), schedules their store's mining and watches a run start a
 * mining job, and asks for a customer's erasure and reads its report; a coordinator reads the
 * consortium's insights and schedules a hub-wide refresh; an admin sees every run.
 * Each step saves a screenshot under .cache/test-results/screenshots (kept by CI).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { federationV1 } from '@tessera/proto';
import type { Page } from 'playwright-core';
import { waitFor } from './support/processes';
import { uniqueId } from './support/infra';
import { createAndLogin, http, startAuthStack, type AuthStack, type Session } from './support/auth-stack';
import { ensureDashboardBuild, launchChromium, SCREENSHOT_DIR } from './support/browser';
import { syntheticStoreFile } from './support/synthetic-baskets';

const run = uniqueId('dins');
const STORES = [1, 2, 3, 4, 5].map((i) => `${run}-s${i}`);
const REGION = `${run}-region`;
const ERASED_CUSTOMER = 'CUST-ERASE-1';
const CATALOGUE = ['MUG1', 'COASTER1', 'TEA1', 'CANDLE1', 'PRICED1'];
const FROM = '2011-01-03';
const TO = '2011-07-03';

let stack: AuthStack;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let base: string;
const accounts: Record<'manager' | 'coordinator' | 'admin', { email: string; password: string }> = {} as never;
let coordinatorSession: Session & { password: string };
const pageProblems: string[] = [];

async function newPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) pageProblems.push(`CSP: ${message.text()}`);
  });
  // Deleting a schedule asks for confirmation.
  page.on('dialog', (dialog) => void dialog.accept());
  return page;
}

async function signIn(page: Page, who: keyof typeof accounts): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Email').fill(accounts[who].email);
  await page.getByLabel('Password').fill(accounts[who].password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('who').waitFor();
}

async function shot(page: Page, name: string): Promise<void> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
}

/** Starts a round of any kind on the hub's federation service (REST starts itemset rounds only) and waits for it. */
async function statisticsRound(kind: federationV1.RoundKind): Promise<void> {
  const client = new federationV1.FederationServiceClient(`127.0.0.1:${stack.federation.grpcPort}`, grpc.credentials.createInsecure());
  const unary = <Req, Res>(method: (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown, request: Req) =>
    new Promise<Res>((resolve, reject) => method.call(client, request, (error: grpc.ServiceError | null, response: Res) => (error ? reject(error) : resolve(response))));
  try {
    const config = federationV1.RoundConfig.fromPartial({
      kind,
      minStores: STORES.length,
      epsilon: 4,
      delta: 1e-5,
      kThreshold: STORES.length,
      stageTimeoutSeconds: 120,
      storeIds: STORES,
      catalogue: { skus: CATALOGUE },
      period: 'week',
      fromDate: FROM,
      toDate: TO,
      priceBounds: kind === federationV1.RoundKind.ROUND_KIND_PRICE_RESPONSE ? { referenceUnitPricesCents: [650, 325, 295, 145, 400], priceBand: 2 } : undefined,
    });
    const { round } = await unary<federationV1.StartRoundRequest, federationV1.StartRoundResponse>(client.startRound, { config, requestedBy: 'dashboard-e2e' });
    await waitFor(`the ${federationV1.RoundKind[kind]} round`, async () => {
      const { round: now } = await unary<federationV1.GetRoundRequest, federationV1.GetRoundResponse>(client.getRound, { roundId: round!.roundId });
      if (now!.status === federationV1.RoundStatus.ROUND_STATUS_FAILED) throw new Error(`the round failed: ${now!.failureReason}`);
      return now!.status === federationV1.RoundStatus.ROUND_STATUS_COMPLETED;
    }, 240_000, 500);
  } finally {
    client.close();
  }
}

describe('dashboard: insights and scheduler views in a browser', () => {
  jest.setTimeout(900_000);
  beforeAll(async () => {
    ensureDashboardBuild();
    browser = await launchChromium();
    stack = await startAuthStack({ federatedStores: STORES, gatewayEnv: { RATE_LIMIT_PER_IP: '100000', RATE_LIMIT_PER_USER: '100000' } });
    base = `http://127.0.0.1:${stack.port}`;
    const admin = stack.admin.session.token;
    const ok = async (method: string, path: string, json: unknown) => {
      const answer = await http(stack.port, method, path, { token: admin, json });
      assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    };
    await ok('POST', '/api/regions', { id: REGION, name: 'Dashboard insights region' });
    for (const storeId of STORES) await ok('POST', '/api/stores', { id: storeId, name: storeId, regionId: REGION });
    for (const [index, storeId] of STORES.entries()) {
      const form = new FormData();
      form.append('storeId', storeId);
      form.append('format', 'lineitem-csv');
      form.append('file', new Blob([syntheticStoreFile(index + 1, { seed: 7000, erasedCustomer: ERASED_CUSTOMER })]), 'baskets.csv');
      const uploaded = await http(stack.port, 'POST', '/api/transactions/upload', { token: admin, form });
      assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    }
    accounts.admin = { email: stack.admin.email, password: stack.admin.password };
    const manager = await createAndLogin(stack, { role: 'store_manager', storeId: STORES[0] });
    accounts.manager = { email: manager.user.email, password: manager.password };
    coordinatorSession = await createAndLogin(stack, { role: 'regional_coordinator', regionId: REGION });
    accounts.coordinator = { email: coordinatorSession.user.email, password: coordinatorSession.password };

    await waitFor('the stores to connect to the hub', async () => {
      const answer = await http(stack.port, 'GET', '/api/federated/stores', { token: coordinatorSession.token });
      return answer.status === 200 && STORES.every((id) => answer.body.stores.some((s: { storeId: string; connected: boolean }) => s.storeId === id && s.connected));
    }, 60_000);
    const started = await http(stack.port, 'POST', '/api/federated/rounds/start', {
      token: coordinatorSession.token,
      json: { minClients: 5, privacyBudget: 4, kThreshold: 5, maxPatternLength: 2, topM: 50, roundTimeout: 60, storeIds: STORES },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await waitFor('the itemset round', async () => {
      const answer = await http(stack.port, 'GET', `/api/federated/rounds/${started.body.id}`, { token: coordinatorSession.token });
      if (answer.body.status === 'failed') throw new Error(`the round failed: ${answer.body.failureReason}`);
      return answer.body.status === 'completed';
    }, 180_000, 500);
    await statisticsRound(federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES);
    await statisticsRound(federationV1.RoundKind.ROUND_KIND_PRICE_RESPONSE);
    // Insights refresh on the rounds' events; wait until the consortium's and the store's are there.
    await waitFor('the consortium forecasts and prices', async () => {
      const forecasts = await http(stack.port, 'GET', '/api/insights/consortium/forecasts?period=week', { token: coordinatorSession.token });
      const prices = await http(stack.port, 'GET', '/api/insights/consortium/prices', { token: coordinatorSession.token });
      return forecasts.body?.forecasts?.length > 0 && prices.body?.round !== null && prices.body?.items?.length > 0;
    }, 120_000, 1000);
    await waitFor("the store's bundles", async () => {
      const bundles = await http(stack.port, 'GET', `/api/insights/bundles?storeId=${STORES[0]}`, { token: manager.token });
      return bundles.body?.round !== null && bundles.body?.bundles?.some((b: { store?: unknown }) => b.store);
    }, 120_000, 1000);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  test("a store manager's bundles: the consortium's, ranked by revenue impact, with the store's own numbers beside", async () => {
    const page = await newPage();
    await signIn(page, 'manager');
    await page.getByRole('link', { name: 'Bundles', exact: true }).click();
    const table = page.getByRole('table', { name: /Bundles by revenue impact/ });
    const mug = table.getByRole('row').filter({ hasText: 'RED MUG' }).filter({ hasText: 'RED COASTER' });
    await mug.waitFor();
    const headers = await table.getByRole('columnheader').allInnerTexts();
    assert.ok(headers.some((h) => /Your lift/.test(h)) && headers.some((h) => /Lift, 95% interval/.test(h)), headers.join(' | '));
    const cells = await mug.getByRole('cell').allInnerTexts();
    const ownLift = Number(cells[cells.length - 1]);
    assert.ok(ownLift > 1, `the store's own lift of mug and coaster: ${cells.join(' | ')}`);
    const impacts = (await table.locator('tbody tr td:nth-child(3)').allInnerTexts()).map((text) => Number(text.replace(/[^0-9.]/g, '')));
    assert.deepEqual(impacts, [...impacts].sort((a, b) => b - a), 'ranked by revenue impact');
    assert.match(await page.getByTestId('bundle-summary').innerText(), /\d+ bundles/);
    await shot(page, '40-manager-bundles');
    await page.close();
  });

  test('forecasts: history and forecast with 80% and 95% bands on a chart, and the backtest against seasonal naive', async () => {
    const page = await newPage();
    await signIn(page, 'manager');
    await page.getByRole('link', { name: 'Forecasts', exact: true }).click();
    await page.getByRole('img', { name: /periods of history and \d+ forecast with 80% and 95% intervals/ }).waitFor();
    assert.equal(await page.locator('.recharts-area').count(), 2, 'two interval bands');
    const backtest = page.getByRole('table', { name: /rolling-origin backtest/ });
    const rows = backtest.locator('tbody tr');
    assert.ok((await rows.count()) >= 3);
    const flags = await backtest.locator('tbody tr td:nth-child(6)').allInnerTexts();
    assert.ok(flags.every((flag) => /fell back to seasonal naive|beats seasonal naive|not backtested/.test(flag)), flags.join(' | '));
    assert.match(await page.getByTestId('forecast-model').innerText(), /Model \S+/);
    // Another item from the list, by keyboard-reachable select.
    await page.getByLabel('Item').selectOption({ label: 'PRICED JAR (PRICED1)' });
    await page.getByRole('heading', { name: /PRICED JAR/ }).waitFor();
    const points = await page.getByRole('table', { name: 'Forecast of PRICED JAR' }).locator('tbody tr').count();
    assert.ok(points > 0);
    await shot(page, '41-manager-forecasts');
    await page.close();
  });

  test('price hints: a recommendation where the evidence carries one, "not enough evidence" elsewhere', async () => {
    const page = await newPage();
    await signIn(page, 'manager');
    await page.getByRole('link', { name: 'Price hints' }).click();
    const jar = page.getByRole('row').filter({ hasText: 'PRICED JAR' });
    await jar.waitFor();
    assert.match(await jar.innerText(), /Lower the price 5%/);
    assert.ok((await page.getByText('not enough evidence', { exact: true }).count()) >= 1, 'items without a hint say so');
    await shot(page, '42-manager-prices');
    await page.close();
  });

  test('stock alerts: a count upload with a bad line is refused naming it; a good one gives a reorder alert', async () => {
    const page = await newPage();
    await signIn(page, 'manager');
    await page.getByRole('link', { name: 'Stock alerts' }).click();
    await page.getByTestId('stock-summary').waitFor();
    await page.getByLabel('Stock count file').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('sku,stock\nMUG1,-3\n') });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('alert').filter({ hasText: '/items/0/stock' }).waitFor();
    await page.getByLabel('Stock count file').setInputFiles({ name: 'count.csv', mimeType: 'text/csv', buffer: Buffer.from('sku,stock,leadTimeDays,serviceLevel\nMUG1,3,7,99\nTEA1,100000,7,95\n') });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText('2 items recorded').waitFor();
    const mug = page.getByRole('row').filter({ hasText: 'RED MUG' });
    await mug.filter({ hasText: 'reorder now' }).waitFor({ timeout: 60_000 });
    assert.match(await page.getByRole('row').filter({ hasText: 'TEA TOWEL' }).innerText(), /enough/);
    await shot(page, '43-manager-stock-alerts');
    await page.close();
  });

  test("a manager schedules the store's mining: a run starts a mining job, listed on the mining page; pause and delete", async () => {
    const page = await newPage();
    await signIn(page, 'manager');
    await page.getByRole('link', { name: 'Schedules' }).click();
    // allInnerTexts does not wait: read the options once the view has rendered its form (CI once read [] a tick early).
    await page.getByLabel('Kind').locator('option').first().waitFor({ state: 'attached' });
    assert.deepEqual(await page.getByLabel('Kind').locator('option').allInnerTexts(), ['Mining'], 'a manager schedules mining only');
    await page.getByLabel('Cron (UTC)').fill('*/5 * * * * *');
    await page.getByLabel('Description').fill('every five seconds (e2e)');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByText('Schedule created').waitFor();
    const runLink = page.getByRole('table', { name: 'Recent runs' }).getByRole('link', { name: /mining job/ }).first();
    await runLink.waitFor({ timeout: 90_000 });
    const schedule = page.getByRole('table', { name: `Schedules of ${STORES[0]}` }).getByRole('row').filter({ hasText: 'every five seconds' });
    await schedule.getByRole('button', { name: /^Pause / }).click();
    await schedule.getByText('paused', { exact: true }).waitFor();
    await shot(page, '44-manager-schedules');
    const jobId = /mining job (\w+)/.exec(await runLink.innerText())![1];
    await page.getByRole('link', { name: 'Mining', exact: true }).click();
    const scheduled = page.getByRole('table', { name: /Jobs started from this browser and by schedules/ }).getByRole('row').filter({ hasText: jobId });
    await scheduled.waitFor();
    assert.match(await scheduled.innerText(), /schedule/);
    await shot(page, '45-manager-mining-scheduled-jobs');
    await page.getByRole('link', { name: 'Schedules' }).click();
    await page.getByRole('row').filter({ hasText: 'every five seconds' }).getByRole('button', { name: /^Delete / }).click();
    await page.getByRole('row').filter({ hasText: 'every five seconds' }).waitFor({ state: 'detached' });
    await page.close();
  });

  test("a customer's erasure: the request, then its report of what each service deleted", async () => {
    const page = await newPage();
    await signIn(page, 'manager');
    await page.getByRole('link', { name: 'Erasure requests' }).click();
    await page.getByLabel('Customer id (as the tills send it)').fill(ERASED_CUSTOMER);
    await page.getByRole('button', { name: 'Request erasure' }).click();
    await page.getByRole('link', { name: 'Follow its report' }).click();
    await page.getByTestId('erasure-status').filter({ hasText: 'completed' }).waitFor({ timeout: 120_000 });
    const counts = await page.getByRole('table', { name: 'What each service deleted' }).locator('tbody tr').allInnerTexts();
    assert.ok(counts.some((row) => /ingestion\s+transactions\s+\d+/.test(row)), counts.join(' | '));
    assert.ok(counts.some((row) => /^mining/.test(row)), counts.join(' | '));
    await shot(page, '46-manager-erasure-report');
    await page.getByRole('link', { name: /All erasure requests/ }).click();
    await page.getByRole('table', { name: /Erasure requests made from this browser/ }).getByRole('row').filter({ hasText: 'completed' }).waitFor();
    await page.close();
  });

  test("a coordinator reads the consortium's bundles, forecasts, prices and anomalies", async () => {
    const page = await newPage();
    await signIn(page, 'coordinator');
    await page.getByRole('link', { name: 'Consortium bundles' }).click();
    const bundles = page.getByRole('table', { name: 'Consortium bundles by revenue impact' });
    await bundles.getByRole('row').filter({ hasText: 'MUG1' }).first().waitFor();
    assert.ok(!(await bundles.getByRole('columnheader').allInnerTexts()).some((h) => /Your/.test(h)), 'no store numbers for a coordinator');
    await shot(page, '47-coordinator-bundles');
    await page.getByRole('link', { name: 'Consortium forecasts' }).click();
    await page.getByRole('img', { name: /forecast with 80% and 95% intervals/ }).waitFor();
    assert.equal(await page.locator('.recharts-area').count(), 2);
    await shot(page, '48-coordinator-forecasts');
    await page.getByRole('link', { name: 'Consortium prices' }).click();
    await page.getByTestId('price-summary').waitFor();
    assert.match(await page.getByTestId('price-summary').innerText(), /^[1-9]\d* items/);
    await shot(page, '49-coordinator-prices');
    await page.getByRole('link', { name: 'Anomalies' }).click();
    await page.getByRole('table', { name: 'Anomalies, newest period first' }).waitFor();
    assert.match(await page.locator('main').innerText(), /From round/);
    await shot(page, '50-coordinator-anomalies');
    // Store-level insights are the store manager's alone.
    await page.goto(`${base}/stores/${STORES[0]}/bundles`);
    await page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
    await page.close();
  });

  test('a coordinator schedules a hub-wide insights refresh and watches its runs; an admin sees every schedule and run', async () => {
    const page = await newPage();
    await signIn(page, 'coordinator');
    await page.getByRole('link', { name: 'Schedules', exact: true }).click();
    await page.getByLabel('Kind').locator('option').first().waitFor({ state: 'attached' });
    const kinds = await page.getByLabel('Kind').locator('option').allInnerTexts();
    assert.deepEqual(kinds, ['Federated round', 'Insights refresh', 'Retention sweep']);
    await page.getByLabel('Kind').selectOption({ label: 'Insights refresh' });
    await page.getByLabel('Cron (UTC)').fill('*/10 * * * * *');
    await page.getByLabel('Description').fill('refresh every ten seconds (e2e)');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByText('Schedule created').waitFor();
    await page.getByRole('link', { name: 'Scheduled runs' }).click();
    const runs = page.getByRole('table', { name: 'All runs' });
    await runs.getByRole('row').filter({ hasText: 'Insights refresh' }).filter({ hasText: 'completed' }).first().waitFor({ timeout: 90_000 });
    assert.match(await page.getByTestId('failed-runs').innerText(), /^\d+$/);
    await shot(page, '51-coordinator-scheduled-runs');
    await page.getByRole('link', { name: 'Schedules', exact: true }).click();
    const refresh = page.getByRole('row').filter({ hasText: 'refresh every ten seconds' });
    await refresh.getByRole('button', { name: /^Pause / }).click();
    await refresh.getByText('paused', { exact: true }).waitFor();
    await shot(page, '52-coordinator-schedules');
    await page.close();

    const adminPage = await newPage();
    await signIn(adminPage, 'admin');
    await adminPage.goto(`${base}/jobs`);
    await adminPage.getByRole('table', { name: 'All runs' }).getByRole('row').filter({ hasText: 'Insights refresh' }).first().waitFor();
    await adminPage.getByRole('table', { name: 'Next runs' }).waitFor();
    await shot(adminPage, '53-admin-scheduled-runs');
    await adminPage.goto(`${base}/schedules`);
    await adminPage.getByLabel('Kind').locator('option').first().waitFor({ state: 'attached' });
    const adminKinds = await adminPage.getByLabel('Kind').locator('option').allInnerTexts();
    assert.deepEqual(adminKinds, ['Mining', 'Federated round', 'Insights refresh', 'Retention sweep']);
    await adminPage.getByRole('row').filter({ hasText: 'refresh every ten seconds' }).getByRole('button', { name: /^Delete / }).click();
    await adminPage.getByRole('row').filter({ hasText: 'refresh every ten seconds' }).waitFor({ state: 'detached' });
    await adminPage.close();
  });

  test('scoping: a manager cannot open the region schedules or another store by URL; no page errors or CSP refusals', async () => {
    const page = await newPage();
    await signIn(page, 'manager');
    await page.goto(`${base}/schedules`);
    await page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
    await page.goto(`${base}/stores/${STORES[1]}/forecasts`);
    await page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
    await shot(page, '54-manager-other-store-refused');
    const answer = await http(stack.port, 'GET', `/api/insights/forecasts?storeId=${STORES[1]}`, { token: (await stack.login(accounts.manager.email, accounts.manager.password)).token });
    assert.equal(answer.status, 403);
    await page.close();
    assert.deepEqual(pageProblems, []);
  });
});
