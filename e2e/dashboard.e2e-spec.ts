/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core) against the
 * real stack, each service its own process on free ports: sign-in per role, every view with
 * data, an upload with row errors, a mining job to completion, a live round, store scoping.
 * Each test saves a screenshot under .cache/test-results/screenshots (kept by CI).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import type { Page } from 'playwright-core';
import { freePort, REPO_ROOT, startServiceProcess, type ServiceProcess } from './support/processes';
import { DATABASE_URL, KAFKA_BROKERS, S3_ENV, uniqueId } from './support/infra';
import { http, makeSigningMaterial, REDIS_URL, runCli } from './support/auth-stack';
import { testNodeTls, type TestNodeTls } from './support/node-tls';
import { ensureDashboardBuild, launchChromium, SCREENSHOT_DIR } from './support/browser';

const run = uniqueId('dash').replace(/-/g, '_');
const prefix = run.replace(/_/g, '-');
const STORES = ['london', 'manchester', 'dublin', 'paris', 'berlin', 'madrid'].map((city) => `${prefix}-${city}`);
const REGION = `${prefix}-region`;
const started: ServiceProcess[] = [];
let gateway: ServiceProcess;
let nodeTls: TestNodeTls;
let base: string;
let browser: Awaited<ReturnType<typeof launchChromium>>;
const accounts: Record<'admin' | 'coordinator' | 'manager' | 'otherManager', { email: string; password: string }> = {} as never;
const pageProblems: string[] = [];

/** The demo file, split by its store column, one share per test store. */
function demoShares(): string[] {
  const lines = gunzipSync(readFileSync(resolve(REPO_ROOT, 'demo/online-retail-demo.csv.gz'))).toString('utf8').trim().split('\n');
  const header = lines[0];
  const byStore = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const store = line.slice(line.lastIndexOf(',') + 1);
    if (!byStore.has(store)) byStore.set(store, [header]);
    byStore.get(store)!.push(line);
  }
  return [...byStore.values()].slice(0, STORES.length).map((share) => share.join('\n') + '\n');
}

async function asAdmin(method: string, path: string, json?: unknown) {
  const login = await http(gateway.httpPort, 'POST', '/api/auth/login', { json: accounts.admin });
  const answer = await http(gateway.httpPort, method, path, { token: login.body.token, json });
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function newPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) pageProblems.push(`CSP: ${message.text()}`);
  });
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

describe('dashboard in a browser', () => {
  jest.setTimeout(600_000);
  beforeAll(async () => {
    ensureDashboardBuild();
    browser = await launchChromium();
    const keys = makeSigningMaterial();
    const batchesTopic = `ingestion.batches.v1.${run}`;
    const roundsTopic = `federation.rounds.v1.${run}`;
    const kafka = new Kafka({ clientId: run, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    await kafkaAdmin.createTopics({ waitForLeaders: true, topics: [{ topic: batchesTopic, numPartitions: 1 }, { topic: roundsTopic, numPartitions: 1 }] }).finally(() => kafkaAdmin.disconnect());
    const bus = { DATABASE_URL, BUS_DRIVER: 'kafka', KAFKA_BROKERS: KAFKA_BROKERS.join(',') };
    const auth = await startServiceProcess('auth', { DATABASE_URL, DATABASE_SCHEMA: run, JWT_SIGNING_KEYS: keys.signingKeys, SCRYPT_COST: '15' });
    started.push(auth);
    const ingestion = await startServiceProcess('ingestion', { ...bus, ...S3_ENV, DATABASE_SCHEMA: `${run}_ingestion`, CUSTOMER_HASH_KEY: 'e2e-customer-hash-key-0123456789abcdef', POS_CONSUMER_ENABLED: 'false', BATCHES_TOPIC: batchesTopic });
    started.push(ingestion);
    const ingestionUrl = `127.0.0.1:${ingestion.grpcPort}`;
    const mining = await startServiceProcess('mining', { ...bus, DATABASE_SCHEMA: `${run}_mining`, INGESTION_GRPC_URL: ingestionUrl, BATCHES_TOPIC: batchesTopic });
    started.push(mining);
    const nodePort = await freePort();
    nodeTls = await testNodeTls(STORES);
    const federation = await startServiceProcess('federation', { ...bus, DATABASE_SCHEMA: `${run}_federation`, NODE_GRPC_PORT: String(nodePort), ROUNDS_TOPIC: roundsTopic, ...nodeTls.hubEnv });
    started.push(federation);
    // One store node process for every test store, as `npm start` runs its demo stores.
    const privacy = await startServiceProcess('privacy', {
      ...bus,
      DATABASE_SCHEMA: `${run}_privacy`,
      MINING_GRPC_URL: `127.0.0.1:${mining.grpcPort}`,
      INGESTION_GRPC_URL: ingestionUrl,
      FEDERATION_HUB_URL: `127.0.0.1:${nodePort}`,
      FEDERATION_AUTO_ENROL_URL: `127.0.0.1:${federation.grpcPort}`,
      FEDERATION_STORE_IDS: STORES.join(','),
      ...nodeTls.multiStoreNodeEnv,
    });
    started.push(privacy);
    gateway = await startServiceProcess(
      'gateway',
      {
        FEDERATION_GRPC_URL: `127.0.0.1:${federation.grpcPort}`,
        MINING_GRPC_URL: `127.0.0.1:${mining.grpcPort}`,
        PRIVACY_GRPC_URL: `127.0.0.1:${privacy.grpcPort}`,
        AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`,
        INGESTION_GRPC_URL: ingestionUrl,
        JWT_VERIFY_KEYS: keys.verifyKeys,
        REDIS_URL,
        RATE_LIMIT_PREFIX: `e2e:${run}`,
      },
      { grpc: false },
    );
    started.push(gateway);
    base = `http://127.0.0.1:${gateway.httpPort}`;

    const adminEmail = `${prefix}-admin@e2e.example`;
    const created = await runCli(['admin', 'create-user', '--role', 'admin', '--email', adminEmail, '--schema', run], { DATABASE_URL });
    const adminPassword = /password \(shown once[^)]*\): (\S+)/.exec(created.stdout)?.[1];
    assert.ok(adminPassword, `tessera admin create-user: ${created.stdout}${created.stderr}`);
    accounts.admin = { email: adminEmail, password: adminPassword };
    await asAdmin('POST', '/api/regions', { id: REGION, name: 'E2E region' });
    for (const store of STORES) await asAdmin('POST', '/api/stores', { id: store, name: store.replace(`${prefix}-`, 'Store '), regionId: REGION });
    const user = async (role: string, extra: Record<string, string>) => {
      const email = `${uniqueId(role.replace('_', '-'))}@e2e.example`;
      const answer = await asAdmin('POST', '/api/users', { email, role, ...extra });
      return { email, password: answer.password as string };
    };
    accounts.coordinator = await user('regional_coordinator', { regionId: REGION });
    accounts.manager = await user('store_manager', { storeId: STORES[0] });
    accounts.otherManager = await user('store_manager', { storeId: STORES[1] });
    const login = await http(gateway.httpPort, 'POST', '/api/auth/login', { json: accounts.admin });
    const shares = demoShares();
    for (const [index, store] of STORES.entries()) {
      const form = new FormData();
      form.append('storeId', store);
      form.append('format', 'lineitem-csv');
      form.append('file', new Blob([shares[index]], { type: 'text/csv' }), `${store}.csv`);
      const answer = await http(gateway.httpPort, 'POST', '/api/transactions/upload', { token: login.body.token, form });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
    }
  });

  afterAll(async () => {
    await browser?.close();
    for (const service of started.reverse()) await service.kill();
    nodeTls?.remove();
    const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
    for (const schema of [run, `${run}_ingestion`, `${run}_mining`, `${run}_federation`, `${run}_privacy`]) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await pool.end();
  });

  test('the gateway serves the app at / with SPA fallback, immutable assets and its CSP; /api keeps its JSON 404', async () => {
    const index = await fetch(`${base}/stores/anything/mining`);
    assert.equal(index.status, 200);
    assert.match(await index.text(), /<div id="root">/);
    assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(index.headers.get('cache-control'), 'no-cache');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await (await fetch(`${base}/`)).text())![1];
    const script = await fetch(`${base}${asset}`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${base}/assets/missing.js`)).status, 404);
    const api = await fetch(`${base}/api/no-such-route`);
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type') ?? '', /json/);
  });

  test('sign-in page, then a store manager sees the store at a glance', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, '01-sign-in');
    await signIn(page, 'manager');
    await page.waitForURL(`**/stores/${STORES[0]}`);
    const count = Number((await page.getByTestId('transaction-count').innerText()).replace(/\D/g, ''));
    assert.ok(count > 100, `transactions shown: ${count}`);
    await page.getByRole('heading', { name: 'Revenue' }).waitFor();
    await shot(page, '02-manager-overview');
    await page.getByRole('link', { name: 'Transactions' }).click();
    await page.getByRole('cell', { name: /×/ }).first().waitFor();
    assert.match(await page.getByRole('navigation', { name: 'Transactions pages' }).innerText(), /in all/);
    await page.getByLabel('Minimum total').fill('500');
    const totalsBefore = await page.getByRole('navigation', { name: 'Transactions pages' }).innerText();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('navigation', { name: 'Transactions pages' }).filter({ hasNotText: totalsBefore }).waitFor();
    // The rows can trail the pager by a render under load: read them until they are the filtered ones.
    let totals: number[] = [];
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await page.waitForTimeout(250)) {
      totals = (await page.locator('tbody tr td:nth-child(4)').allInnerTexts()).map((text) => Number(text.replace(/[^0-9.]/g, '')));
      if (totals.length > 0 && totals.every((total) => total >= 500)) break;
    }
    assert.ok(totals.length > 0 && totals.every((total) => total >= 500), `totals after the filter: ${totals.join(', ')}`);
    await shot(page, '03-manager-transactions');
    await page.close();
  });

  test('an upload with bad rows shows the progress and every rejected line', async () => {
    const page = await newPage();
    await signIn(page, 'manager');
    await page.getByRole('link', { name: 'Upload' }).click();
    const csv = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n' + '990001,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2011-12-10 08:26:00,2.55,17850.0,X\n' + '990002,85123A,WHITE HANGING HEART T-LIGHT HOLDER,abc,2011-12-10 08:27:00,2.55,17850.0,X\n' + '990003,,NO SKU,6,2011-12-10 08:28:00,2.55,17850.0,X\n';
    const file = join(SCREENSHOT_DIR, '..', `${run}-bad.csv`);
    writeFileSync(file, csv);
    await page.getByLabel('Transaction file').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByTestId('upload-summary').waitFor();
    assert.match(await page.getByTestId('upload-summary').innerText(), /1 transaction stored.*2 rows rejected/);
    const table = page.getByRole('table', { name: /Rejected rows/ });
    assert.match(await table.innerText(), /3\s+Quantity\s+must be an integer/);
    assert.match(await table.innerText(), /4\s+StockCode/);
    await shot(page, '04-manager-upload-errors');
    await page.close();
  });

  test("the Files view lists the upload as the node keeps it; the original downloads byte for byte", async () => {
    const page = await newPage();
    await signIn(page, 'manager');
    await page.getByRole('link', { name: 'Files' }).click();
    const table = page.getByRole('table', { name: /Uploads, newest first/ });
    const row = table.locator('tbody tr', { hasText: `${run}-bad.csv` });
    await row.waitFor();
    assert.match(await row.innerText(), /lineitem-csv · completed/);
    const original = readFileSync(join(SCREENSHOT_DIR, '..', `${run}-bad.csv`));
    assert.match(await row.innerText(), new RegExp(createHash('sha256').update(original).digest('hex').slice(0, 8)));
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: /^Download / }).click()]);
    assert.equal(download.suggestedFilename(), `${run}-bad.csv`);
    assert.ok(readFileSync((await download.path())!).equals(original), 'the download is the uploaded file');
    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByRole('button', { name: /^Re-process / }).click();
    await page.getByText(/Re-processed .*: 1 transactions accepted \(0 new, 1 already stored\), 2 rows rejected/).waitFor();
    await shot(page, '04b-manager-files');
    await page.close();
  });

  test('a mining job runs to completion with results, chart and CSV export', async () => {
    const page = await newPage();
    await signIn(page, 'manager');
    await page.getByRole('link', { name: 'Mining' }).click();
    await page.getByRole('spinbutton', { name: 'Minimum utility' }).fill('0.5');
    await page.getByRole('button', { name: 'Start mining' }).click();
    await page.waitForURL(/\/mining\/[0-9a-f-]{36}$/);
    await page.getByTestId('job-status').filter({ hasText: 'completed' }).waitFor({ timeout: 120_000 });
    const table = page.getByRole('table', { name: /Itemsets of job/ });
    await table.locator('tbody tr').nth(2).waitFor();
    assert.ok((await table.locator('tbody tr').count()) >= 3);
    // Product names from the store's own lines, next to the SKU.
    await page.getByText('POSTAGE').first().waitFor();
    // The chart has its own query (500 itemsets): wait for its points rather than reading them once.
    await page.locator('.recharts-scatter-symbol').nth(2).waitFor();
    assert.ok((await page.locator('.recharts-scatter-symbol').count()) > 2, 'the scatter chart has points');
    await page.getByRole('button', { name: /Support/ }).click();
    await page.locator('th[aria-sort="descending"]', { hasText: 'Support' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.match(csv.split('\n')[0], /^rank,items,utility,support/);
    await shot(page, '05-manager-mining-job');
    await page.close();
  });

  test('a coordinator sees the region, starts a round and watches it live to its outcome', async () => {
    const page = await newPage();
    await signIn(page, 'coordinator');
    await page.waitForURL('**/region');
    await page.getByText(`${STORES.length} of ${STORES.length} store nodes connected`).waitFor({ timeout: 60_000 });
    await shot(page, '06-coordinator-region');
    await page.getByRole('link', { name: 'Start a round' }).first().click();
    await page.getByLabel('ε per store').fill('1');
    await page.getByText(/Expected accuracy|No completed round/).waitFor();
    await page.getByLabel('Longest itemset').fill('2');
    await page.getByLabel('Proposals per store').fill('1000');
    await shot(page, '07-coordinator-start-round');
    await page.getByRole('button', { name: 'Start the round' }).click();
    await page.waitForURL(/\/rounds\/[0-9a-f-]{36}$/);
    const seen = new Set<string>();
    const deadline = Date.now() + 180_000;
    for (;;) {
      const status = await page.getByTestId('round-status').innerText().catch(() => '');
      if (status) seen.add(status);
      if (status === 'completed' || status === 'failed' || Date.now() > deadline) break;
      if (status === 'measuring' && !seen.has('shot')) {
        seen.add('shot');
        await shot(page, '08-coordinator-round-live');
      }
      await page.waitForTimeout(150);
    }
    assert.equal(await page.getByTestId('round-status').innerText(), 'completed', `stages seen: ${[...seen].join(', ')}`);
    assert.ok(seen.size >= 2, `the view moved through stages live: ${[...seen].join(', ')}`);
    const patterns = Number(await page.getByTestId('round-patterns').innerText());
    assert.ok(patterns >= 20, `global patterns published: ${patterns}`);
    await page.getByRole('cell', { name: 'contributed' }).first().waitFor();
    await shot(page, '09-coordinator-round-completed');
    await page.getByRole('link', { name: 'see them' }).click();
    const table = page.getByRole('table', { name: /Global patterns/ });
    await table.locator('tbody tr').nth(5).waitFor();
    assert.match(await table.innerText(), /100%/);
    await shot(page, '10-coordinator-global-patterns');
    await page.getByRole('link', { name: 'Rounds', exact: true }).click();
    await page.getByRole('cell', { name: 'completed' }).first().waitFor();
    await shot(page, '11-coordinator-rounds');
    await page.close();
  });

  test('after the round the manager sees global patterns with product names, the ledger and the impact preview', async () => {
    const page = await newPage();
    await signIn(page, 'manager');
    await page.getByRole('link', { name: 'Global patterns' }).click();
    const table = page.getByRole('table', { name: /Global patterns/ });
    await table.locator('tbody tr').nth(5).waitFor();
    await table.getByText('POSTAGE').first().waitFor({ timeout: 30_000 });
    await shot(page, '12-manager-global-patterns');
    await page.getByRole('link', { name: 'Privacy budget' }).click();
    await page.getByTestId('remaining-epsilon').waitFor();
    await page.getByRole('table', { name: /Every release/ }).getByRole('cell', { name: 'measurement' }).first().waitFor();
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByTestId('impact-summary').waitFor();
    assert.match(await page.getByTestId('impact-summary').innerText(), /Noise scale .*fits the remaining budget/);
    await shot(page, '13-manager-privacy');
    await page.getByRole('link', { name: 'Rounds joined' }).click();
    await page.getByRole('cell', { name: 'contributed' }).first().waitFor();
    await shot(page, '14-manager-rounds-joined');
    await page.close();
  });

  test('a manager cannot reach another store by URL, and the API refuses it too', async () => {
    const page = await newPage();
    await signIn(page, 'manager');
    for (const view of ['', '/transactions', '/mining', '/privacy']) {
      await page.goto(`${base}/stores/${STORES[1]}${view}`);
      await page.getByRole('alert').filter({ hasText: 'Not allowed' }).waitFor();
      assert.match(await page.getByRole('alert').first().innerText(), new RegExp(`outside your account’s scope.*${STORES[0]}`));
      if (view === '/transactions') await shot(page, '15-manager-other-store-refused');
    }
    const status = await page.evaluate(async (store) => {
      // Runs in the page: its sessionStorage holds the signed-in session.
      const session = JSON.parse((globalThis as unknown as { sessionStorage: { getItem(key: string): string } }).sessionStorage.getItem('tessera.session'));
      return (await fetch(`/api/transactions?storeId=${store}`, { headers: { Authorization: `Bearer ${session.token}` } })).status;
    }, STORES[1]);
    assert.equal(status, 403);
    await page.goto(`${base}/admin/users`);
    await page.getByRole('alert').filter({ hasText: 'This page is for admins' }).waitFor();
    await shot(page, '16-manager-admin-page-refused');
    // The manager's navigation offers none of the coordinator's or admin's views.
    const nav = await page.getByRole('navigation', { name: 'Main' }).innerText();
    assert.doesNotMatch(nav, /Start a round|Users|Audit log/);
    await page.close();
  });

  test('an admin manages users, stores, regions and API keys, and filters the audit log', async () => {
    const page = await newPage();
    await signIn(page, 'admin');
    await page.waitForURL('**/admin/users');
    await page.getByRole('cell', { name: accounts.coordinator.email, exact: true }).waitFor();
    await page.getByLabel('Email').fill(`${prefix}-new@e2e.example`);
    await page.getByLabel('Their store').selectOption(STORES[2]);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText(/shown only once/).waitFor();
    await shot(page, '17-admin-users');
    await page.getByRole('link', { name: 'Stores and regions' }).click();
    await page.getByRole('table', { name: /Regions/ }).getByRole('cell', { name: REGION, exact: true }).waitFor();
    await shot(page, '18-admin-stores');
    await page.goto(`${base}/stores/${STORES[0]}/api-keys`);
    await page.getByLabel(/Name \(the system/).fill('till-1');
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText(/New key for till-1/).waitFor();
    await page.getByRole('cell', { name: 'till-1', exact: true }).waitFor();
    await shot(page, '19-admin-api-keys');
    // An admin sees a store's files and may re-process them, but downloading an original is the store manager's alone.
    await page.getByRole('link', { name: 'Files' }).click();
    const files = page.getByRole('table', { name: /Uploads, newest first/ });
    await files.locator('tbody tr', { hasText: `${run}-bad.csv` }).waitFor();
    assert.equal(await files.getByRole('button', { name: /^Download / }).count(), 0, 'no download button for an admin');
    assert.ok((await files.getByRole('button', { name: /^Re-process / }).count()) > 0);
    await shot(page, '19b-admin-files');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').fill('session.login');
    await page.getByRole('button', { name: 'Apply' }).click();
    const table = page.getByRole('table', { name: /Audit events/ });
    await table.getByRole('cell', { name: 'session.login' }).first().waitFor();
    // The unfiltered page holds session.login rows too: wait for the filtered answer to replace it.
    let actions: string[] = [];
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await page.waitForTimeout(250)) {
      actions = await table.locator('tbody tr td:nth-child(3)').allInnerTexts();
      if (actions.length > 0 && actions.every((a) => a === 'session.login')) break;
    }
    assert.ok(actions.length > 0 && actions.every((a) => a === 'session.login'), actions.join(','));
    await shot(page, '20-admin-audit');
    await page.close();
  });

  test('a refused access token is refreshed silently; signing out ends the session', async () => {
    const page = await newPage();
    await signIn(page, 'coordinator');
    type Stored = { token: string; refreshToken: string; expiresAt: number };
    const storage = (globalThis as unknown as { sessionStorage: { getItem(key: string): string; setItem(key: string, value: string): void } });
    const before = await page.evaluate(() => (globalThis as unknown as typeof storage).sessionStorage.getItem('tessera.session'));
    const session = JSON.parse(before) as Stored;
    // A token the gateway refuses (401): the next call refreshes once and retries.
    await page.evaluate((value) => (globalThis as unknown as typeof storage).sessionStorage.setItem('tessera.session', value), JSON.stringify({ ...session, token: session.token.slice(0, -4) + 'AAAA' }));
    await page.reload();
    await page.getByText(`${STORES.length} of ${STORES.length} store nodes connected`).waitFor();
    const after = JSON.parse(await page.evaluate(() => (globalThis as unknown as typeof storage).sessionStorage.getItem('tessera.session'))) as Stored;
    assert.notEqual(after.token, session.token);
    assert.notEqual(after.refreshToken, session.refreshToken);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You signed out.').waitFor();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, '21-signed-out');
    const refresh = await http(gateway.httpPort, 'POST', '/api/auth/refresh', { json: { refreshToken: after.refreshToken } });
    assert.equal(refresh.status, 401);
    await page.close();
  });

  test('no page broke and the CSP refused nothing the app needed', () => {
    assert.deepEqual(pageProblems, []);
  });
});
