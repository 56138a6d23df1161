import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { createInProcessBus } from '@tessera/bus';
import { testDatabaseUrl, uniqueSchema, testObjectStorageEnv } from '@tessera/db';
import { mine, readSpmf } from '@tessera/huim';
import { ingestionV1, miningV1 } from '@tessera/proto';
import { startIngestionService, type IngestionService } from '@tessera/ingestion-service';
import { startMiningService, type MiningService } from './main';

// Issue 11: a store manager's request with a very low absolute threshold grew the process to
// ~20 GB. Dense baskets over `items` products: a threshold of 1 cent gives 2^items - 1 itemsets.
function denseStore(transactions: number, items: number): Buffer {
  const lines: string[] = [];
  for (let t = 0; t < transactions; t++) {
    const utilities = Array.from({ length: items }, (_, i) => 1 + ((t * 7 + i * 13) % 23));
    lines.push(`${Array.from({ length: items }, (_, i) => i + 1).join(' ')}:${utilities.reduce((a, b) => a + b, 0)}:${utilities.join(' ')}`);
  }
  return Buffer.from(lines.join('\n') + '\n');
}

const bus = createInProcessBus();
const schemas = { ingestion: uniqueSchema('ingestion'), mining: uniqueSchema('mining') };
let ingestion: IngestionService;
const running: MiningService[] = [];
let ingestionClient: ingestionV1.IngestionServiceClient;

const env = (extra: Record<string, string>) => ({ DATABASE_URL: testDatabaseUrl(), BUS_DRIVER: 'memory', LOG_LEVEL: 'silent', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', CUSTOMER_HASH_KEY: 'test-key-0123456789abcdef0123456789', ...testObjectStorageEnv(), ...extra });

function upload(storeId: string, content: Buffer): Promise<ingestionV1.FileSummary> {
  return new Promise((ok, fail) => {
    const stream = ingestionClient.uploadFile((error, response) => (error ? fail(error) : ok(response.file!)));
    stream.write({ part: { $case: 'header', value: { storeId, fileName: 'dense.txt', format: ingestionV1.FileFormat.FILE_FORMAT_SPMF, requestId: '', mode: '' } } });
    stream.write({ part: { $case: 'chunk', value: content } });
    stream.end();
  });
}

async function miningWith(extra: Record<string, string>) {
  const service = await startMiningService(env({ INGESTION_GRPC_URL: `127.0.0.1:${ingestion.grpcPort}`, MINING_THREADS: '1', ...extra }), { bus, schema: schemas.mining });
  running.push(service);
  const client = new miningV1.MiningServiceClient(`127.0.0.1:${service.grpcPort}`, grpc.credentials.createInsecure());
  const call = <Req, Res>(method: (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req) =>
    new Promise<Res>((ok, fail) => method.call(client, request, (error: grpc.ServiceError | null, response: Res) => (error ? fail(error) : ok(response))));
  const run = async (storeId: string, minUtility: string, timeoutMs = 60_000): Promise<miningV1.Job> => {
    const { job } = await call<miningV1.StartJobRequest, miningV1.StartJobResponse>(client.startJob, { storeId, requestId: '', options: { minUtility, topK: 0, minSupport: 0, maxPatternLength: 0, merging: 'auto', threads: 1 } });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = (await call<miningV1.GetJobRequest, miningV1.GetJobResponse>(client.getJob, { storeId, jobId: job!.jobId })).job!;
      if (current.status !== miningV1.JobStatus.JOB_STATUS_QUEUED && current.status !== miningV1.JobStatus.JOB_STATUS_RUNNING) return current;
      if (Date.now() > deadline) throw new Error(`job still ${current.phase}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return { client, run };
}

beforeAll(async () => {
  ingestion = await startIngestionService(env({}), { bus, schema: schemas.ingestion });
  ingestionClient = new ingestionV1.IngestionServiceClient(`127.0.0.1:${ingestion.grpcPort}`, grpc.credentials.createInsecure());
  assert.equal(Number((await upload('dense-16', denseStore(60, 16))).transactionCount), 60);
  assert.equal(Number((await upload('dense-20', denseStore(60, 20))).transactionCount), 60);
});

afterAll(async () => {
  ingestionClient?.close();
  for (const service of running) await service.close();
  await ingestion?.close();
  await bus.close();
  const { Client } = await import('pg');
  const pg = new Client({ connectionString: testDatabaseUrl() });
  await pg.connect();
  await pg.query(`DROP SCHEMA IF EXISTS "${schemas.ingestion}" CASCADE; DROP SCHEMA IF EXISTS "${schemas.mining}" CASCADE`);
  await pg.end();
});

test('a threshold of 1 cent on a dense store completes with the best itemsets and says the threshold was raised, and to what', async () => {
  const { client, run } = await miningWith({ MINING_MAX_ITEMSETS: '1000' });
  const job = await run('dense-16', '1');
  client.close();
  assert.equal(job.status, miningV1.JobStatus.JOB_STATUS_COMPLETED, job.failureReason);
  const s = job.statistics!;
  assert.equal(s.thresholdRaised, true);
  assert.equal(s.minUtilityKind, 'amount');
  assert.equal(Number(s.requestedMinUtilityCents), 1);
  assert.equal(Number(s.maxItemsets), 1000);
  assert.ok(Number(s.itemsets) <= 1000 && Number(s.itemsets) > 900, `kept ${s.itemsets}`);
  // exactly the itemsets a run at the raised threshold finds (2^16 - 1 at 1 cent)
  const exact = mine(readSpmf(denseStore(60, 16), { isContent: true }), { minUtility: Number(s.minUtilityCents) });
  assert.equal(Number(s.itemsets), exact.itemsets.length);
});

test('a job that cannot fit its memory budget even capped fails fast with the estimate', async () => {
  const { client, run } = await miningWith({ MINING_MAX_ITEMSETS: '5000000', MINING_MEMORY_BUDGET_MB: '16' });
  const job = await run('dense-16', '1');
  client.close();
  assert.equal(job.status, miningV1.JobStatus.JOB_STATUS_FAILED);
  assert.match(job.failureReason, /would need about \d+ MB .* over its memory budget of 16 MB/);
});

test('a worker that dies from its heap limit fails its job with the reason; the service keeps serving', async () => {
  const { client, run } = await miningWith({ MINING_MAX_ITEMSETS: '3000000', MINING_MEMORY_BUDGET_MB: '4096', MINING_WORKER_MAX_OLD_GENERATION_MB: '64', MAX_PATTERNS_STORED: '10' });
  const job = await run('dense-20', '1', 120_000);
  assert.equal(job.status, miningV1.JobStatus.JOB_STATUS_FAILED);
  assert.match(job.failureReason, /heap limit|out of memory|exited/i);
  const next = await run('dense-16', '1%');
  client.close();
  assert.equal(next.status, miningV1.JobStatus.JOB_STATUS_COMPLETED, next.failureReason);
  assert.equal(next.statistics!.minUtilityKind, 'percent');
});
