import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { ConfigError, type RunningService } from '@tessera/common';
import { startEmbeddedPostgres } from '@tessera/db';
import { createInProcessBus } from '@tessera/bus';
import { federationV1, ingestionV1, schedulerV1 } from '@tessera/proto';
import type { CommandIo } from '../main';
import { SERVICES, SERVICE_NAMES, type ServiceName } from '../services';
import { runRound, STATUS_NAMES, uploadToIngestion } from '../embedded-round';
import { startEmbeddedObjectStorage } from '../embedded-s3';
import type { FederationService } from '@tessera/federation-service';
import { embeddedNodeTls } from '../embedded-pki';
import { dataWindow, statisticsConfig, topItemsOf, type StatisticsKind } from '../statistics-round';

// apps/cli/dist/commands -> repository root
const REPO_ROOT = resolve(__dirname, '../../../..');
const DEMO_FILE = join(REPO_ROOT, 'demo/online-retail-demo.csv.gz');

/** Demo store id for a country of the Online Retail data: "United Kingdom" -> "store-united-kingdom". */
export function demoStoreId(country: string): string {
  return 'store-' + country.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * Splits the demo line-item CSV by its last column: one CSV (same header) per store. The
 * demo file's last column names the demo store (scripts/make-demo-data.mjs deals the
 * excerpt's invoices round-robin into six stores named after cities, so they are balanced).
 */
export async function splitDemoByCountry(file = DEMO_FILE): Promise<Map<string, string[]>> {
  const byStore = new Map<string, string[]>();
  let header = '';
  for await (const line of createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity })) {
    if (!header) {
      header = line;
      continue;
    }
    const storeId = demoStoreId(line.slice(line.lastIndexOf(',') + 1));
    let lines = byStore.get(storeId);
    if (!lines) byStore.set(storeId, (lines = [header]));
    lines.push(line);
  }
  return byStore;
}


/** SKU -> description from the demo file, to show global patterns to people. */
async function demoDescriptions(): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const lines of (await splitDemoByCountry()).values()) {
    for (const line of lines.slice(1)) {
      const fields = line.split(',');
      if (!names.has(fields[1])) names.set(fields[1], fields.slice(2, fields.length - 5).join(',').replace(/^"|"$/g, ''));
    }
  }
  return names;
}

/**
 * Parameters of the demo round. Pairs (not triples): each store proposes its top 1000
 * itemsets, and with long invoices the top triples are mostly combinations of one store's
 * few big baskets, which no 5 stores share; pairs overlap, so about 75 pass k-anonymity
 * (measured with `tessera round --split round-robin --stores 6 --max-length 2`).
 */
export const DEMO_ROUND = { epsilon: 1, delta: 1e-5, minUtilityFraction: 0, maxPatternLength: 2, topM: 1000, stageTimeoutSeconds: 120 };

/**
 * A hub-wide insights refresh every 15 minutes (created once), so the dashboard's scheduled
 * runs show runs soon after a start, next to the nightly mining that runs at 02:00 UTC.
 */
async function demoRefreshSchedule(running: RunningService[]) {
  const scheduler = new schedulerV1.SchedulerServiceClient(`127.0.0.1:${running.find((s) => s.name === 'scheduler')!.grpcPort}`, grpc.credentials.createInsecure());
  const call = <Req, Res>(method: (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown, request: Req) =>
    new Promise<Res>((ok, fail) => method.call(scheduler, request, (error: grpc.ServiceError | null, response: Res) => (error ? fail(error) : ok(response))));
  try {
    const { schedules } = await call<schedulerV1.ListSchedulesRequest, schedulerV1.ListSchedulesResponse>(scheduler.listSchedules, schedulerV1.ListSchedulesRequest.fromPartial({ storeIds: [], includeHubWide: true }));
    if (schedules.some((schedule) => schedule.kind === 'insights_refresh' && !schedule.storeId)) return;
    await call<schedulerV1.CreateScheduleRequest, schedulerV1.CreateScheduleResponse>(
      scheduler.createSchedule,
      schedulerV1.CreateScheduleRequest.fromPartial({ kind: 'insights_refresh', cron: '*/15 * * * *', storeId: '', parametersJson: '{}', createdBy: 'system:demo', description: 'Demo: refresh every insight every 15 minutes' }),
    );
  } finally {
    scheduler.close();
  }
}

/**
 * The demo's demand-series (weekly) and price-response rounds over the 20 products of highest
 * revenue, once, so the consortium's forecasts, anomalies and price hints have data (each
 * spends the stores' round epsilon, 1 of their 10). A failure is reported, not fatal.
 */
async function demoStatisticsRounds(running: RunningService[], coordinator: federationV1.FederationServiceClient, stores: string[], say: (line: string) => void) {
  const demo = await splitDemoByCountry();
  const text = [...demo.values()].map((lines, index) => (index === 0 ? lines : lines.slice(1)).join('\n')).join('\n') + '\n';
  // Online Retail's codes that are not products (POST, DOT, M, AMAZONFEE, ...) start with a letter.
  const top = await topItemsOf(text, 'lineitem-csv', 40);
  const products = top.skus.map((sku, index) => ({ sku, price: top.referencePricesCents[index] })).filter((item) => /^\d/.test(item.sku)).slice(0, 20);
  const skus = products.map((item) => item.sku);
  const referencePricesCents = products.map((item) => item.price);
  const ingestion = new ingestionV1.IngestionServiceClient(`127.0.0.1:${running.find((s) => s.name === 'ingestion')!.grpcPort}`, grpc.credentials.createInsecure());
  const window = await dataWindow(ingestion, stores).finally(() => ingestion.close());
  const minStores = Math.max(2, Math.ceil(stores.length * 0.7));
  for (const kind of ['demand-series', 'price-response'] as StatisticsKind[]) {
    const config = statisticsConfig(kind, { minStores, epsilon: DEMO_ROUND.epsilon, storeIds: stores, skus, referencePricesCents, period: 'week', ...window });
    const summary = await runRound(coordinator, config, (round) => say(`  ${kind} round ${round.roundId.slice(0, 8)}: ${STATUS_NAMES[round.status]}${round.failureReason ? ` (${round.failureReason})` : ''}`), 1).catch((error: Error) => {
      say(`  the demo ${kind} round did not run: ${error.message}`);
      return undefined;
    });
    if (summary) say(`  ${kind} round over ${skus.length} items: ${STATUS_NAMES[summary.round.status]}`);
  }
}

/**
 * The demo's federated round: across every demo store, once. Later starts show the last
 * completed round instead, so restarting does not spend the demo stores' budgets.
 */
async function demoRound(running: RunningService[], stores: string[], port: string, say: (line: string) => void) {
  const federation = running.find((s) => s.name === 'federation') as FederationService;
  const coordinator = new federationV1.FederationServiceClient(`127.0.0.1:${federation.grpcPort}`, grpc.credentials.createInsecure());
  try {
    const deadline = Date.now() + 20_000;
    while (federation.registry.connected().length < stores.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const previous = await new Promise<federationV1.ListGlobalPatternsResponse>((ok, fail) => coordinator.listGlobalPatterns({ roundId: '', limit: 1000, offset: 0 }, (error, response) => (error ? fail(error) : ok(response))));
    let patterns = previous.patterns;
    if (!previous.round) {
      say('');
      say(`Running a federated round across the ${stores.length} demo stores (epsilon ${DEMO_ROUND.epsilon} each; nothing leaves a store unmasked)...`);
      const summary = await runRound(
        coordinator,
        federationV1.RoundConfig.fromPartial({ minStores: Math.max(2, Math.ceil(stores.length * 0.7)), ...DEMO_ROUND, kThreshold: Math.min(5, stores.length), storeIds: stores }),
        (round) => say(`  round ${round.roundId.slice(0, 8)}: ${STATUS_NAMES[round.status]}${round.failureReason ? ` (${round.failureReason})` : ''}`),
        1000,
      );
      patterns = summary.patterns;
    } else {
      say('');
      say(`Global patterns of the last completed round (${previous.round.roundId.slice(0, 8)}); start with --fresh to run a new one:`);
    }
    const names = await demoDescriptions();
    say(`  ${patterns.length} global patterns published; the top ${Math.min(10, patterns.length)}:`);
    for (const p of patterns.slice(0, 10)) say(`  ${String(p.rank).padStart(2)}. ${(p.aggregatedUtilityCents / 100).toFixed(2).padStart(10)} GBP  ${p.items.map((sku) => names.get(sku) ?? sku).join(' + ')}`);
    if (patterns.length > 10) say(`  ... ${patterns.length - 10} more: open the dashboard at http://localhost:${port}/`);
    if (patterns.length) say('  (noisy sums over the contributing stores; GET /api/federated/global-patterns for intervals and coverage)');
    if (!previous.round) {
      say('');
      say('Running the demo demand-series and price-response rounds (consortium forecasts, anomalies and price hints)...');
      await demoStatisticsRounds(running, coordinator, stores, say);
    }
  } finally {
    coordinator.close();
  }
}

/**
 * `tessera start` (what `npm start` runs): every service in this one process on embedded
 * defaults: PGlite served on a local Postgres socket, the in-process bus, demo stores
 * loaded from an excerpt of the Online Retail data, the gateway on http://localhost:8080.
 */
export async function startCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: process.env.PORT ?? '8080' },
      'data-dir': { type: 'string', default: join(REPO_ROOT, '.tessera/pglite') },
      fresh: { type: 'boolean', default: false },
      'no-demo': { type: 'boolean', default: false },
      memory: { type: 'boolean', default: false },
    },
  });
  const say = (line: string) => io.stdout.write(line + '\n');
  const stateDir = join(REPO_ROOT, '.tessera');
  mkdirSync(stateDir, { recursive: true });
  if (values.fresh) for (const dir of [values['data-dir']!, join(stateDir, 's3')]) rmSync(dir, { recursive: true, force: true });

  // A per-installation key for hashing customer ids, created once and kept out of git.
  const keyFile = join(stateDir, 'customer-hash-key');
  if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });

  say('Tessera: starting every service in one process (embedded Postgres via PGlite, in-process bus, s3rver for uploaded files unless S3_ENDPOINT is set)');
  const database = await startEmbeddedPostgres({ dataDir: values.memory ? undefined : values['data-dir'] });
  // Uploaded files go to an S3 bucket before they are parsed: s3rver under the data dir, unless S3_ENDPOINT names one.
  const objectStorage = process.env.S3_ENDPOINT
    ? undefined
    : await startEmbeddedObjectStorage({ directory: values.memory ? mkdtempSync(join(tmpdir(), 'tessera-s3-')) : join(stateDir, 's3'), port: Number(process.env.S3RVER_PORT ?? 0) });
  const bus = createInProcessBus();
  const { embeddedAuthEnv, openAuthAdmin } = await import('@tessera/auth-service');
  const base: Record<string, string | undefined> = {
    ...embeddedAuthEnv(stateDir),
    ...process.env,
    RATE_LIMIT_DRIVER: process.env.RATE_LIMIT_DRIVER ?? 'memory',
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '4',
    BUS_DRIVER: 'memory',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    CUSTOMER_HASH_KEY: readFileSync(keyFile, 'utf8').trim(),
    HTTP_HOST: process.env.HTTP_HOST ?? '127.0.0.1',
    ...objectStorage?.env,
  };
  const running: RunningService[] = [];
  const stopAll = async () => {
    for (const service of running.reverse()) await service.close().catch(() => undefined);
    await bus.close();
    await database.stop();
    await objectStorage?.stop().catch(() => undefined);
  };
  // The demo stores are named in the demo file's last column; each one's privacy service client
  // dials the hub's federation service like a real store node would.
  const demo = !values['no-demo'] && existsSync(DEMO_FILE) ? await splitDemoByCountry() : new Map<string, string[]>();
  const demoStores = [...demo.keys()];
  const federationNodePort = process.env.FEDERATION_NODE_PORT ?? '50058';
  // The node links over mTLS, as deployed: a throwaway CA, the hub's certificate and one per demo store.
  const nodeTls = await embeddedNodeTls(join(stateDir, 'pki'), demoStores);
  const serviceEnv: Partial<Record<ServiceName, Record<string, string | undefined>>> = {
    // The all-in-one gateway: the hub's and the store nodes' routes, signing in locally (a real consortium runs GATEWAY_ROLE=hub and store-node gateways).
    gateway: { HTTP_PORT: values.port, GATEWAY_ROLE: 'all' },
    federation: { NODE_GRPC_PORT: federationNodePort, ...nodeTls.hub },
    // Nightly mining of each demo store (created once, kept across restarts): GET /api/schedules shows it.
    scheduler: { DEMO_SCHEDULES: demoStores.join(',') },
    // One process is both the store nodes and the hub: the stores' own insights and the consortium's.
    // The first refresh waits until the demo round is done: PGlite's one session serves every
    // service, and a refresh's large documents interleaving with the round's statements made
    // the round fail once ("bind message supplies 1 parameters...").
    insights: { INSIGHTS_ROLE: 'both', INSIGHTS_REFRESH_DEBOUNCE_MS: process.env.INSIGHTS_REFRESH_DEBOUNCE_MS ?? '20000' },
    privacy: demoStores.length
      ? // Dialled by name: the hub certificate names localhost, and TLS sends no IP address as its server name (RFC 6066).
        { FEDERATION_HUB_URL: `localhost:${federationNodePort}`, FEDERATION_AUTO_ENROL_URL: '127.0.0.1:50054', FEDERATION_STORE_IDS: demoStores.join(','), ...nodeTls.node }
      : {},
  };
  try {
    for (const name of SERVICE_NAMES) running.push(await SERVICES[name]({ ...base, ...serviceEnv[name] }, bus));
  } catch (error) {
    io.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `could not start: ${(error as Error).message}\n`);
    if (/EADDRINUSE/.test(String((error as Error).message))) io.stderr.write('a port is taken: is another Tessera running? Stop it or set PORT for the gateway.\n');
    await stopAll();
    return 1;
  }
  const ingestionPort = running.find((s) => s.name === 'ingestion')!.grpcPort!;
  const ingestion = new ingestionV1.IngestionServiceClient(`127.0.0.1:${ingestionPort}`, grpc.credentials.createInsecure());

  if (demo.size > 0) {
    say('Loading demo stores (UCI Online Retail excerpt, CC BY 4.0: Chen, Sain & Guo 2012), its invoices dealt round-robin into six stores...');
    for (const [storeId, lines] of demo) {
      const file = await uploadToIngestion(ingestion, storeId, lines.join('\n') + '\n', 'lineitem-csv');
      say(`  ${storeId.padEnd(22)} ${String(file.transactionCount).padStart(5)} new, ${String(file.duplicates).padStart(5)} already stored, ${String(file.rejected).padStart(4)} rows rejected (returns, cancellations, free lines)`);
    }
  }
  const summaries = await new Promise<ingestionV1.ListStoreSummariesResponse>((ok, fail) => ingestion.listStoreSummaries({ storeIds: [] }, (error, response) => (error ? fail(error) : ok(response))));
  ingestion.close();
  // One account per role and demo store, with fresh random passwords each start; the demo
  // coordinator's region holds every demo store.
  say('');
  try {
    const authAdmin = await openAuthAdmin({ databaseUrl: database.url });
    const accounts = await authAdmin.ensureDemoAccounts(demoStores.length ? demoStores : summaries.stores.map((s) => s.storeId)).finally(() => authAdmin.close());
    for (const account of accounts) say(`demo account: ${account.role} ${account.email} ${account.password}${account.storeId ? ` ${account.storeId}` : ''}`);
  } catch (error) {
    io.stderr.write(`could not create the demo accounts: ${(error as Error).message}\nuse \`npx tessera admin create-user\` with DATABASE_URL=${database.url}\n`);
  }
  if (demoStores.length) await demoRefreshSchedule(running).catch((error) => io.stderr.write(`the demo refresh schedule was not created: ${(error as Error).message}\n`));
  if (demoStores.length >= 2) await demoRound(running, demoStores, values.port!, say).catch((error) => io.stderr.write(`the demo round did not run: ${(error as Error).message}\n`));
  say('');
  say(`Dashboard: http://localhost:${values.port}/  (sign in with a demo account above; API docs at /api/docs)`);
  say(`Stores:   ${summaries.stores.map((s) => `${s.storeId} (${s.transactionCount})`).join(', ')}`);
  if (demoStores.length) say('Schedules: nightly mining of each demo store at 02:00 UTC, an insights refresh every 15 minutes (GET /api/schedules, GET /api/jobs)');
  say('Press Ctrl+C to stop.');

  return new Promise<number>((resolveExit) => {
    const stop = () => {
      say('stopping...');
      stopAll().then(
        () => resolveExit(0),
        () => resolveExit(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
