import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, createReadStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { ConfigError, type RunningService } from '@tessera/common';
import { startEmbeddedPostgres } from '@tessera/db';
import { createInProcessBus } from '@tessera/bus';
import { ingestionV1 } from '@tessera/proto';
import type { CommandIo } from '../main';
import { SERVICES, SERVICE_NAMES } from '../services';

// apps/cli/dist/commands -> repository root
const REPO_ROOT = resolve(__dirname, '../../../..');
const DEMO_FILE = join(REPO_ROOT, 'demo/online-retail-demo.csv.gz');

/** Demo store id for a country of the Online Retail data: "United Kingdom" -> "store-united-kingdom". */
export function demoStoreId(country: string): string {
  return 'store-' + country.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Splits the demo line-item CSV by its Country column: one CSV (same header) per store. */
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

function uploadThroughIngestion(client: ingestionV1.IngestionServiceClient, storeId: string, csv: string): Promise<ingestionV1.FileSummary> {
  return new Promise((resolveUpload, reject) => {
    const call = client.uploadFile((error, response) => (error ? reject(error) : resolveUpload(response.file!)));
    call.write({ part: { $case: 'header', value: { storeId, fileName: `${storeId}.csv`, format: ingestionV1.FileFormat.FILE_FORMAT_LINEITEM_CSV, requestId: 'demo-load' } } });
    const bytes = Buffer.from(csv);
    for (let offset = 0; offset < bytes.length; offset += 64 * 1024) call.write({ part: { $case: 'chunk', value: bytes.subarray(offset, offset + 64 * 1024) } });
    call.end();
  });
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
  if (values.fresh) rmSync(values['data-dir']!, { recursive: true, force: true });

  // A per-installation key for hashing customer ids, created once and kept out of git.
  const keyFile = join(stateDir, 'customer-hash-key');
  if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('hex'), { mode: 0o600 });

  say('Tessera: starting every service in one process (embedded Postgres via PGlite, in-process bus)');
  const database = await startEmbeddedPostgres({ dataDir: values.memory ? undefined : values['data-dir'] });
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
  };
  const running: RunningService[] = [];
  const stopAll = async () => {
    for (const service of running.reverse()) await service.close().catch(() => undefined);
    await bus.close();
    await database.stop();
  };
  try {
    for (const name of SERVICE_NAMES) {
      const env = name === 'gateway' ? { ...base, HTTP_PORT: values.port } : base;
      running.push(await SERVICES[name](env, bus));
    }
  } catch (error) {
    io.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `could not start: ${(error as Error).message}\n`);
    if (/EADDRINUSE/.test(String((error as Error).message))) io.stderr.write('a port is taken: is another Tessera running? Stop it or set PORT for the gateway.\n');
    await stopAll();
    return 1;
  }
  const ingestionPort = running.find((s) => s.name === 'ingestion')!.grpcPort!;
  const ingestion = new ingestionV1.IngestionServiceClient(`127.0.0.1:${ingestionPort}`, grpc.credentials.createInsecure());

  const demoStores: string[] = [];
  if (!values['no-demo'] && existsSync(DEMO_FILE)) {
    say('Loading demo stores (UCI Online Retail excerpt, CC BY 4.0: Chen, Sain & Guo 2012), one store per country...');
    for (const [storeId, lines] of await splitDemoByCountry()) {
      demoStores.push(storeId);
      const file = await uploadThroughIngestion(ingestion, storeId, lines.join('\n') + '\n');
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
  say('');
  say(`Gateway:  http://localhost:${values.port}  (API docs at /api/docs; sign in with POST /api/auth/login using a demo account above)`);
  say(`Stores:   ${summaries.stores.map((s) => `${s.storeId} (${s.transactionCount})`).join(', ')}`);
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
