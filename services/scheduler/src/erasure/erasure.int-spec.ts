import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { Pool } from 'pg';
import { createInProcessBus } from '@tessera/bus';
import { testDatabaseUrl, uniqueSchema, testObjectStorageEnv } from '@tessera/db';
import { authV1, ingestionV1, miningV1, schedulerV1 } from '@tessera/proto';
import { startIngestionService, type IngestionService } from '@tessera/ingestion-service';
import { startMiningService, type MiningService } from '@tessera/mining-service';
import { generateSigningKey, startAuthService, type AuthService } from '@tessera/auth-service';
import { startSchedulerService, type SchedulerService } from '../main';

/**
 * An erasure request for one customer on a store node with real services (auth, ingestion,
 * mining, scheduler) on one real Postgres and the in-process bus: their rows go, the other
 * customer's stay, the kept upload that held them leaves the bucket, mining results derived
 * from the store's data go, and the report (in the request and in the audit log) lists what
 * each service deleted.
 */
const bus = createInProcessBus();
const schemas = { auth: uniqueSchema('auth'), ingestion: uniqueSchema('ingestion'), mining: uniqueSchema('mining'), scheduler: uniqueSchema('scheduler'), boss: uniqueSchema('boss') };
const hashKey = 'erasure-test-key-0123456789abcdef0123';
const storeId = 'store-erasure';
const pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
let auth: AuthService;
let ingestion: IngestionService;
let mining: MiningService;
let scheduler: SchedulerService;

const env = (extra: Record<string, string>) => ({ DATABASE_URL: testDatabaseUrl(), BUS_DRIVER: 'memory', LOG_LEVEL: 'silent', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', ...testObjectStorageEnv(), ...extra });
const insecure = grpc.credentials.createInsecure();
function call<C extends grpc.Client, Req, Res>(target: C, method: (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((ok, fail) => method.call(target, request, (error: grpc.ServiceError | null, response: Res) => (error ? fail(error) : ok(response))));
}

/** Three invoices of the customer to erase, three of another. */
function lineItems(): Buffer {
  const rows = ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'];
  for (let i = 0; i < 6; i++) {
    const customer = i < 3 ? 'C-ERASE' : 'C-KEEP';
    rows.push(`INV${i},A1,Apple,2,2025-01-0${i + 1} 10:00:00,1.50,${customer},France`, `INV${i},B2,Bread,1,2025-01-0${i + 1} 10:00:00,2.25,${customer},France`);
  }
  return Buffer.from(rows.join('\n') + '\n');
}

beforeAll(async () => {
  auth = await startAuthService(env({ JWT_SIGNING_KEYS: JSON.stringify([generateSigningKey('erasure-test')]) }), { bus, schema: schemas.auth });
  ingestion = await startIngestionService(env({ CUSTOMER_HASH_KEY: hashKey }), { bus, schema: schemas.ingestion });
  mining = await startMiningService(env({ INGESTION_GRPC_URL: `127.0.0.1:${ingestion.grpcPort}` }), { bus, schema: schemas.mining });
  scheduler = await startSchedulerService(
    env({ CUSTOMER_HASH_KEY: hashKey, BOSS_SCHEMA: schemas.boss, AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, MINING_GRPC_URL: `127.0.0.1:${mining.grpcPort}`, POLLING_SECONDS: '1', TICK_SECONDS: '1' }),
    { bus, schema: schemas.scheduler },
  );
});

afterAll(async () => {
  await scheduler?.close();
  await mining?.close();
  await ingestion?.close();
  await auth?.close();
  await bus.close();
  await pool.query(Object.values(schemas).map((s) => `DROP SCHEMA IF EXISTS "${s}" CASCADE;`).join(' '));
  await pool.end();
});

describe('erasure of one customer', () => {
  it('removes their rows and the derived mining results, keeps the others, and reports each in the request and the audit log', async () => {
    const ingestionClient = new ingestionV1.IngestionServiceClient(`127.0.0.1:${ingestion.grpcPort}`, insecure);
    const file = await new Promise<ingestionV1.FileSummary>((ok, fail) => {
      const stream = ingestionClient.uploadFile((error, response) => (error ? fail(error) : ok(response.file!)));
      stream.write({ part: { $case: 'header', value: { storeId, fileName: 'baskets.csv', format: ingestionV1.FileFormat.FILE_FORMAT_LINEITEM_CSV, requestId: '', mode: '' } } });
      const bytes = lineItems();
      stream.write({ part: { $case: 'chunk', value: bytes } });
      stream.write({ part: { $case: 'end', value: { bytes: String(bytes.length) } } });
      stream.end();
    });
    assert.equal(Number(file.transactionCount), 6);

    const miningClient = new miningV1.MiningServiceClient(`127.0.0.1:${mining.grpcPort}`, insecure);
    const { job } = await call<miningV1.MiningServiceClient, miningV1.StartJobRequest, miningV1.StartJobResponse>(miningClient, miningClient.startJob, { storeId, requestId: '', options: { minUtility: '1', topK: 0, minSupport: 0, maxPatternLength: 0, merging: 'auto', threads: 1 } });
    for (let i = 0; ; i++) {
      const { job: now } = await call<miningV1.MiningServiceClient, miningV1.GetJobRequest, miningV1.GetJobResponse>(miningClient, miningClient.getJob, { storeId, jobId: job!.jobId });
      if (now!.status === miningV1.JobStatus.JOB_STATUS_COMPLETED) break;
      assert.ok(i < 300 && now!.status !== miningV1.JobStatus.JOB_STATUS_FAILED, `mining job ${now!.status} ${now!.failureReason}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const patternsBefore = Number((await pool.query(`SELECT count(*) FROM "${schemas.mining}".patterns WHERE job_id = $1`, [job!.jobId])).rows[0].count);
    assert.ok(patternsBefore > 0);

    const schedulerClient = new schedulerV1.SchedulerServiceClient(`127.0.0.1:${scheduler.grpcPort}`, insecure);
    const refused = await call(schedulerClient, schedulerClient.createErasureRequest, { scope: 'customer', storeId, customerId: '', requestedBy: 'int-test', deadlineDays: 0 }).catch((e: grpc.ServiceError) => e);
    assert.equal((refused as grpc.ServiceError).code, grpc.status.INVALID_ARGUMENT);
    assert.match((refused as grpc.ServiceError).details, /customerId/);

    const { request } = await call<schedulerV1.SchedulerServiceClient, schedulerV1.CreateErasureRequestRequest, schedulerV1.CreateErasureRequestResponse>(schedulerClient, schedulerClient.createErasureRequest, { scope: 'customer', storeId, customerId: 'C-ERASE', requestedBy: 'int-test', deadlineDays: 0 });
    assert.deepEqual(request!.awaiting, ['ingestion', 'mining']);
    let report: schedulerV1.ErasureRequest | undefined;
    for (let i = 0; ; i++) {
      report = (await call<schedulerV1.SchedulerServiceClient, schedulerV1.GetErasureRequestRequest, schedulerV1.GetErasureRequestResponse>(schedulerClient, schedulerClient.getErasureRequest, { id: request!.id })).request;
      if (report!.status === 'completed') break;
      assert.ok(i < 300, `erasure still ${report!.status}, awaiting ${report!.awaiting.join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const counts = Object.fromEntries(report!.confirmations.flatMap((c) => c.deleted.map((d) => [`${c.service}.${d.dataClass}`, Number(d.count)])));
    assert.equal(counts['ingestion.transactions'], 3);
    assert.equal(counts['ingestion.files_with_rows_of_customer'], 1);
    assert.equal(counts['ingestion.object_storage'], 1, 'the kept upload that held the rows was deleted from the bucket');
    assert.equal(counts['mining.mining_jobs'], 1);
    assert.equal(counts['mining.mining_patterns'], patternsBefore);

    const left = (await pool.query(`SELECT customer_hash, count(*)::int AS n FROM "${schemas.ingestion}".transactions WHERE store_id = $1 GROUP BY customer_hash`, [storeId])).rows;
    assert.equal(left.length, 1, 'only the other customer is left');
    assert.equal(left[0].n, 3);
    const gone = await call<miningV1.MiningServiceClient, miningV1.GetJobRequest, miningV1.GetJobResponse>(miningClient, miningClient.getJob, { storeId, jobId: job!.jobId }).catch((e: grpc.ServiceError) => e);
    assert.equal((gone as grpc.ServiceError).code, grpc.status.NOT_FOUND);
    assert.equal(Number((await pool.query(`SELECT count(*) FROM "${schemas.mining}".patterns`)).rows[0].count), 0);

    const authClient = new authV1.AuthServiceClient(`127.0.0.1:${auth.grpcPort}`, insecure);
    let audited: authV1.AuditEvent | undefined;
    for (let i = 0; !audited && i < 100; i++) {
      audited = (await call<authV1.AuthServiceClient, authV1.ListAuditEventsRequest, authV1.ListAuditEventsResponse>(authClient, authClient.listAuditEvents, { action: 'erasure.complete', actorId: '', storeId, requestId: '', outcome: 0, since: '', until: '', limit: 10, offset: 0 })).events.find((e) => e.targetId === request!.id);
      if (!audited) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(audited, 'the report is in the audit log');
    assert.deepEqual(JSON.parse(audited.detailsJson), { scope: 'customer', ...counts });
    authClient.close();
    schedulerClient.close();
    miningClient.close();
    ingestionClient.close();
  });
});
