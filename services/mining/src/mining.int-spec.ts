import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createInProcessBus } from '@tessera/bus';
import { testDatabaseUrl, uniqueSchema, testObjectStorageEnv } from '@tessera/db';
import { mine, readSpmf } from '@tessera/huim';
import { ingestionV1, miningV1 } from '@tessera/proto';
import { startIngestionService, type IngestionService } from '@tessera/ingestion-service';
import { startMiningService, type MiningService } from './main';

const datasets = process.env.TESSERA_DATASETS ?? resolve(__dirname, '../../../../shared/datasets');
const foodmart = resolve(datasets, 'foodmart_utility_spmf.txt');
const bus = createInProcessBus();
const schemas = { ingestion: uniqueSchema('ingestion'), mining: uniqueSchema('mining') };
let ingestion: IngestionService;
let mining: MiningService;
let ingestionClient: ingestionV1.IngestionServiceClient;
let client: miningV1.MiningServiceClient;

const env = (extra: Record<string, string>) => ({ DATABASE_URL: testDatabaseUrl(), BUS_DRIVER: 'memory', LOG_LEVEL: 'silent', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', CUSTOMER_HASH_KEY: 'test-key-0123456789abcdef0123456789', ...testObjectStorageEnv(), ...extra });
const call = <Req, Res>(method: (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req) =>
  new Promise<Res>((ok, fail) => method.call(client, request, (error: grpc.ServiceError | null, response: Res) => (error ? fail(error) : ok(response))));

function upload(storeId: string, content: Buffer): Promise<ingestionV1.FileSummary> {
  return new Promise((ok, fail) => {
    const stream = ingestionClient.uploadFile((error, response) => (error ? fail(error) : ok(response.file!)));
    stream.write({ part: { $case: 'header', value: { storeId, fileName: 'foodmart.txt', format: ingestionV1.FileFormat.FILE_FORMAT_SPMF, requestId: '', mode: '' } } });
    for (let i = 0; i < content.length; i += 65536) stream.write({ part: { $case: 'chunk', value: content.subarray(i, i + 65536) } });
    stream.end();
  });
}

async function waitForJob(storeId: string, jobId: string, timeoutMs = 60_000): Promise<miningV1.Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { job } = await call<miningV1.GetJobRequest, miningV1.GetJobResponse>(client.getJob, { storeId, jobId });
    if (job!.status !== miningV1.JobStatus.JOB_STATUS_QUEUED && job!.status !== miningV1.JobStatus.JOB_STATUS_RUNNING) return job!;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job!.phase}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Missing datasets skip the test on a developer machine but fail it in CI (CI is set there):
// the test then reads the missing file and fails with its path.
const skip = !existsSync(foodmart) && !process.env.CI && 'datasets not found';

beforeAll(async () => {
  ingestion = await startIngestionService(env({}), { bus, schema: schemas.ingestion });
  const mineEnv = env({ INGESTION_GRPC_URL: `127.0.0.1:${ingestion.grpcPort}`, MINING_THREADS: '2' });
  mining = await startMiningService(mineEnv, { bus, schema: schemas.mining });
  ingestionClient = new ingestionV1.IngestionServiceClient(`127.0.0.1:${ingestion.grpcPort}`, grpc.credentials.createInsecure());
  client = new miningV1.MiningServiceClient(`127.0.0.1:${mining.grpcPort}`, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  ingestionClient?.close();
  await mining?.close();
  await ingestion?.close();
  await bus.close();
  const { Client } = await import('pg');
  const pg = new Client({ connectionString: testDatabaseUrl() });
  await pg.connect();
  await pg.query(`DROP SCHEMA IF EXISTS "${schemas.ingestion}" CASCADE; DROP SCHEMA IF EXISTS "${schemas.mining}" CASCADE`);
  await pg.end();
});

(skip ? test.skip : test)('a job over a store ingested through ingestion finds exactly the itemsets the library finds on the file', async () => {
  const storeId = 'foodmart-store';
  const file = await upload(storeId, readFileSync(foodmart));
  assert.equal(Number(file.transactionCount), 4141);
  const { job } = await call<miningV1.StartJobRequest, miningV1.StartJobResponse>(client.startJob, { storeId, requestId: '', options: { minUtility: '6006', topK: 0, minSupport: 0, maxPatternLength: 0, merging: 'auto', threads: 2 } });
  const done = await waitForJob(storeId, job!.jobId);
  assert.equal(done.status, miningV1.JobStatus.JOB_STATUS_COMPLETED, done.failureReason);
  const expected = mine(readSpmf(foodmart), { minUtility: 6006 }).itemsets;
  assert.equal(Number(done.statistics!.itemsets), expected.length);
  assert.equal(Number(done.statistics!.transactions), 4141);
  const listed = await call<miningV1.ListPatternsRequest, miningV1.ListPatternsResponse>(client.listPatterns, { storeId, jobId: job!.jobId, sortBy: 'utility', order: 'desc', minUtilityCents: '0', minConfidence: 0, minLength: 0, maxLength: 0, containsItem: '', limit: 10000, offset: 0 });
  assert.equal(Number(listed.total), expected.length);
  const key = (items: (string | number)[]) => items.map(String).sort().join(' ');
  const byKey = new Map(expected.map((p) => [key(p.items), p]));
  for (const pattern of listed.patterns) {
    const reference = byKey.get(key(pattern.items));
    assert.ok(reference, `unexpected itemset ${pattern.items.join(' ')}`);
    assert.equal(Number(pattern.utilityCents), reference.utility);
    assert.equal(Number(pattern.support), reference.support);
  }
  for (let i = 1; i < listed.patterns.length; i++) assert.ok(Number(listed.patterns[i - 1].utilityCents) >= Number(listed.patterns[i].utilityCents), 'sorted by utility');

  const filtered = await call<miningV1.ListPatternsRequest, miningV1.ListPatternsResponse>(client.listPatterns, { storeId, jobId: job!.jobId, sortBy: 'support', order: 'asc', minUtilityCents: '0', minConfidence: 0, minLength: 2, maxLength: 0, containsItem: listed.patterns[0].items[0], limit: 50, offset: 0 });
  assert.ok(filtered.patterns.every((p) => p.items.length >= 2 && p.items.includes(listed.patterns[0].items[0])));

  const other = await call<miningV1.GetJobRequest, miningV1.GetJobResponse>(client.getJob, { storeId: 'another-store', jobId: job!.jobId }).catch((e: grpc.ServiceError) => e);
  assert.equal((other as grpc.ServiceError).code, grpc.status.NOT_FOUND, "a job is not visible through another store's id");
});

(skip ? test.skip : test)('measure gives the exact utility and support of given itemsets', async () => {
  const storeId = 'foodmart-store';
  const reference = mine(readSpmf(foodmart), { topK: 5 }).itemsets;
  const itemsets = [...reference.map((p) => ({ items: p.items.map(String) })), { items: ['999999'] }];
  const response = await call<miningV1.MeasureItemsetsRequest, miningV1.MeasureItemsetsResponse>(client.measureItemsets, { storeId, itemsets });
  assert.equal(Number(response.transactions), 4141);
  reference.forEach((p, i) => {
    assert.equal(Number(response.measurements[i].utilityCents), p.utility);
    assert.equal(Number(response.measurements[i].support), p.support);
  });
  assert.equal(Number(response.measurements[reference.length].support), 0, 'an unknown item is in no transaction');
});

test('bad options are refused with what to change', async () => {
  const error = await call<miningV1.StartJobRequest, miningV1.StartJobResponse>(client.startJob, { storeId: 's', requestId: '', options: { minUtility: '5', topK: 3, minSupport: 0, maxPatternLength: 0, merging: 'auto', threads: 0 } }).catch((e: grpc.ServiceError) => e);
  assert.equal((error as grpc.ServiceError).code, grpc.status.INVALID_ARGUMENT);
  assert.match((error as grpc.ServiceError).details, /either minUtility .* or topK/);
});

(skip ? test.skip : test)('a job that was running when the service died is marked failed on restart, never running forever', async () => {
  const storeId = 'foodmart-store';
  // A low threshold keeps the job busy long enough to stop the service under it.
  const { job } = await call<miningV1.StartJobRequest, miningV1.StartJobResponse>(client.startJob, { storeId, requestId: '', options: { minUtility: '1', topK: 0, minSupport: 0, maxPatternLength: 0, merging: 'auto', threads: 1 } });
  const deadline = Date.now() + 10_000;
  while ((await call<miningV1.GetJobRequest, miningV1.GetJobResponse>(client.getJob, { storeId, jobId: job!.jobId })).job!.status === miningV1.JobStatus.JOB_STATUS_QUEUED && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  client.close();
  await mining.close();
  mining = await startMiningService(env({ INGESTION_GRPC_URL: `127.0.0.1:${ingestion.grpcPort}` }), { bus, schema: schemas.mining });
  client = new miningV1.MiningServiceClient(`127.0.0.1:${mining.grpcPort}`, grpc.credentials.createInsecure());
  const after = (await call<miningV1.GetJobRequest, miningV1.GetJobResponse>(client.getJob, { storeId, jobId: job!.jobId })).job!;
  assert.equal(after.status, miningV1.JobStatus.JOB_STATUS_FAILED);
  assert.match(after.failureReason, /interrupted: the mining service stopped while this job was running/);
});
