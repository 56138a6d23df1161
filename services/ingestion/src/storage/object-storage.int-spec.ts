// Uploaded files in a real S3-compatible bucket (Adobe S3Mock from scripts/infra/up.sh, through
// the same minio client as production): kept before parsing with their size and sha256,
// downloaded byte for byte, reprocessed to the same rows, removed when refused, deleted by
// retention (the retention.sweeps.v1 path and FILE_RETENTION_DAYS) and by erasure
// (erasure.requests.v1, one customer's files or a whole store's).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Client as MinioClient } from 'minio';
import { Client } from 'pg';
import { createInProcessBus } from '@tessera/bus';
import { testDatabaseUrl, testObjectStorageEnv, uniqueSchema } from '@tessera/db';
import { ingestionV1, schedulerV1 } from '@tessera/proto';
import { startIngestionService, type IngestionService } from '../main';
import { hashCustomer } from '../pos-event.validator';
import { ObjectStorage, UPLOAD_PART_BYTES } from './object-storage';

const bus = createInProcessBus();
const schema = uniqueSchema('ingestion_s3');
const bucket = `tessera-it-${randomBytes(4).toString('hex')}`;
const s3 = testObjectStorageEnv();
const env = {
  DATABASE_URL: testDatabaseUrl(),
  BUS_DRIVER: 'memory',
  LOG_LEVEL: 'silent',
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: '0',
  GRPC_PORT: '0',
  CUSTOMER_HASH_KEY: 'test-key-0123456789abcdef0123456789',
  MAX_UPLOAD_BYTES: String(256 * 1024),
  FILE_BATCH_SIZE: '50',
  ...s3,
  S3_BUCKET: bucket,
};
const endpoint = new URL(s3.S3_ENDPOINT);
const minio = new MinioClient({ endPoint: endpoint.hostname, port: Number(endpoint.port), useSSL: false, accessKey: s3.S3_ACCESS_KEY, secretKey: s3.S3_SECRET_KEY, pathStyle: true, region: 'us-east-1' });
let service: IngestionService;
let client: ingestionV1.IngestionServiceClient;
let pg: Client;

function spmf(lines: number, from = 0): string {
  let text = '';
  for (let i = 0; i < lines; i++) text += `${((from + i) % 50) + 1} ${((from + i) % 7) + 60}:${3 + (i % 5)}:3 ${i % 5}\n`;
  return text;
}

function upload(storeId: string, body: Buffer | string, mode = '', format = ingestionV1.FileFormat.FILE_FORMAT_SPMF): Promise<ingestionV1.FileSummary> {
  return new Promise((ok, fail) => {
    const call = client.uploadFile((error, response) => (error ? fail(error) : ok(response.file!)));
    call.write({ part: { $case: 'header', value: { storeId, fileName: 'sales.txt', format, requestId: '', mode } } });
    const buffer = Buffer.from(body);
    for (let at = 0; at < buffer.length; at += 8192) call.write({ part: { $case: 'chunk', value: buffer.subarray(at, at + 8192) } });
    call.write({ part: { $case: 'end', value: { bytes: String(buffer.length) } } });
    call.end();
  });
}

const unary = <Req, Res>(method: (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown, request: Req) =>
  new Promise<Res>((ok, fail) => method.call(client, request, (error, response) => (error ? fail(error) : ok(response))));

function download(storeId: string, fileId: string): Promise<{ header?: ingestionV1.DownloadFileHeader; body: Buffer; messages: number }> {
  return new Promise((ok, fail) => {
    const parts: Buffer[] = [];
    let header: ingestionV1.DownloadFileHeader | undefined;
    let messages = 0;
    const call = client.downloadFile({ storeId, fileId });
    call.on('data', (message: ingestionV1.DownloadFileResponse) => {
      messages++;
      if (message.part?.$case === 'header') header = message.part.value;
      else if (message.part?.$case === 'chunk') parts.push(Buffer.from(message.part.value));
    });
    call.on('error', fail);
    call.on('end', () => ok({ header, body: Buffer.concat(parts), messages }));
  });
}

async function objectKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of minio.listObjectsV2(bucket, prefix, true)) if ((item as { name?: string }).name) keys.push((item as { name: string }).name);
  return keys;
}

async function rows(storeId: string): Promise<string[]> {
  const result = await pg.query(`SELECT transaction_id, occurred_at, total_utility_cents, lines FROM "${schema}".transactions WHERE store_id = $1 ORDER BY transaction_id`, [storeId]);
  return result.rows.map((row) => JSON.stringify(row));
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  service = await startIngestionService(env, { bus, schema });
  client = new ingestionV1.IngestionServiceClient(`127.0.0.1:${service.grpcPort}`, grpc.credentials.createInsecure());
  pg = new Client({ connectionString: testDatabaseUrl() });
  await pg.connect();
});

afterAll(async () => {
  client?.close();
  await service?.close();
  await bus.close();
  await pg?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pg?.end();
  const keys = await objectKeys('').catch(() => []);
  if (keys.length) await minio.removeObjects(bucket, keys).catch(() => undefined);
  await minio.removeBucket(bucket).catch(() => undefined);
});

test('the bucket is created at boot and object storage is part of readiness', async () => {
  assert.equal(await minio.bucketExists(bucket), true);
  const response = await fetch(`http://127.0.0.1:${service.httpPort}/health/ready`);
  const body = (await response.json()) as { info?: Record<string, { status: string }> };
  assert.equal(response.status, 200);
  assert.equal(body.info?.['object-storage']?.status, 'up');
});

test('an upload is kept in the bucket with its size and sha256, and downloads byte for byte in order', async () => {
  const body = spmf(10000); // ~135 KB: several 64 KB download chunks
  const file = await upload('kept', body);
  assert.equal(file.status, ingestionV1.FileStatus.FILE_STATUS_COMPLETED);
  assert.equal(Number(file.transactionCount), 10000);
  assert.equal(file.bucket, bucket);
  assert.equal(file.objectKey, `stores/kept/files/${file.fileId}`);
  assert.equal(Number(file.sizeBytes), Buffer.byteLength(body));
  assert.equal(file.sha256, sha256(body));
  const stat = await minio.statObject(bucket, file.objectKey);
  assert.equal(stat.size, Buffer.byteLength(body));
  const downloaded = await download('kept', file.fileId);
  assert.equal(downloaded.header?.sha256, sha256(body));
  assert.equal(downloaded.header?.contentType, 'text/plain');
  assert.equal(Number(downloaded.header?.sizeBytes), Buffer.byteLength(body));
  assert.ok(downloaded.body.equals(Buffer.from(body)), 'downloaded bytes equal the upload');
  assert.ok(downloaded.messages > 2);
  const listed = await unary<ingestionV1.ListFilesRequest, ingestionV1.ListFilesResponse>(client.listFiles, { storeId: 'kept', limit: 0, offset: 0 });
  assert.equal(listed.total, '1');
  assert.deepEqual([listed.files[0].fileId, listed.files[0].sha256], [file.fileId, file.sha256]);
  // another store sees neither the file nor its bytes
  const foreign = await unary<ingestionV1.ListFilesRequest, ingestionV1.ListFilesResponse>(client.listFiles, { storeId: 'other', limit: 0, offset: 0 });
  assert.equal(foreign.total, '0');
  await assert.rejects(download('other', file.fileId), (error: grpc.ServiceError) => error.code === grpc.status.NOT_FOUND);
});

test('reprocessing reads the object back and gives the same rows (all duplicates)', async () => {
  const file = await upload('reprocess', `${spmf(200)}not a transaction\n${spmf(40, 400)}`);
  assert.deepEqual([file.transactionCount, file.rejected], ['240', '1']);
  const before = await rows('reprocess');
  assert.equal(before.length, 240);
  const { file: again } = await unary<ingestionV1.ReprocessFileRequest, ingestionV1.ReprocessFileResponse>(client.reprocessFile, { storeId: 'reprocess', fileId: file.fileId, requestId: '' });
  assert.equal(again!.fileId, file.fileId);
  assert.equal(again!.status, ingestionV1.FileStatus.FILE_STATUS_COMPLETED);
  assert.deepEqual([again!.accepted, again!.transactionCount, again!.duplicates, again!.rejected, again!.errorCount], ['240', '0', '240', '1', '1']);
  assert.deepEqual(await rows('reprocess'), before);
  // after deleting some rows (as an erasure would), reprocessing restores exactly them
  await pg.query(`DELETE FROM "${schema}".transactions WHERE store_id = 'reprocess' AND transaction_id IN (SELECT transaction_id FROM "${schema}".transactions WHERE store_id = 'reprocess' ORDER BY transaction_id LIMIT 15)`);
  const { file: restored } = await unary<ingestionV1.ReprocessFileRequest, ingestionV1.ReprocessFileResponse>(client.reprocessFile, { storeId: 'reprocess', fileId: file.fileId, requestId: '' });
  assert.deepEqual([restored!.transactionCount, restored!.duplicates], ['15', '225']);
  assert.deepEqual(await rows('reprocess'), before);
  await assert.rejects(
    unary(client.reprocessFile, { storeId: 'someone-else', fileId: file.fileId, requestId: '' }),
    (error: grpc.ServiceError) => error.code === grpc.status.NOT_FOUND,
  );
});

test('a refused upload leaves no object and no rows; its record keeps only the reason and cannot be downloaded or reprocessed', async () => {
  // too large: refused while streaming to the bucket
  const tooLarge = await upload('refused', spmf(40000)).then(
    () => assert.fail('accepted'),
    (error: grpc.ServiceError) => error,
  );
  assert.equal(tooLarge.code, grpc.status.RESOURCE_EXHAUSTED);
  // unreadable as a whole (a line past the parser's limit): refused while parsing the object back
  const big = await startIngestionService({ ...env, MAX_UPLOAD_BYTES: String(8 * 1024 * 1024), POS_CONSUMER_ENABLED: 'false' }, { bus: createInProcessBus(), schema });
  const bigClient = new ingestionV1.IngestionServiceClient(`127.0.0.1:${big.grpcPort}`, grpc.credentials.createInsecure());
  const unreadable = await new Promise<grpc.ServiceError>((ok) => {
    const call = bigClient.uploadFile((error) => ok(error!));
    call.write({ part: { $case: 'header', value: { storeId: 'refused', fileName: 'f.txt', format: ingestionV1.FileFormat.FILE_FORMAT_SPMF, requestId: '', mode: '' } } });
    call.write({ part: { $case: 'chunk', value: Buffer.from(spmf(100)) } });
    call.write({ part: { $case: 'chunk', value: Buffer.alloc(1_100_000, 0x31) } });
    call.end();
  }).finally(async () => {
    bigClient.close();
    await big.close();
  });
  assert.equal(unreadable.code, grpc.status.INVALID_ARGUMENT);
  assert.deepEqual(await objectKeys('stores/refused/'), [], 'no object of a refused upload is left in the bucket');
  assert.deepEqual(await rows('refused'), []);
  const files = (await pg.query(`SELECT file_id, status, object_key FROM "${schema}".files WHERE store_id = 'refused'`)).rows;
  assert.equal(files.length, 2);
  for (const file of files) {
    assert.equal(file.status, 'failed');
    assert.equal(file.object_key, null);
    await assert.rejects(download('refused', file.file_id), (error: grpc.ServiceError) => error.code === grpc.status.NOT_FOUND);
    await assert.rejects(unary(client.reprocessFile, { storeId: 'refused', fileId: file.file_id, requestId: '' }), (error: grpc.ServiceError) => error.code === grpc.status.FAILED_PRECONDITION);
  }
});

test('retention deletes old files, objects and records, through retention.sweeps.v1 and FILE_RETENTION_DAYS; the transactions stay', async () => {
  const old = await upload('retention', spmf(30));
  const older = await upload('retention', spmf(30, 100));
  const recent = await upload('retention', spmf(30, 200));
  await pg.query(`UPDATE "${schema}".files SET created_at = now() - interval '40 days' WHERE file_id = $1`, [old.fileId]);
  await pg.query(`UPDATE "${schema}".files SET created_at = now() - interval '100 days' WHERE file_id = $1`, [older.fileId]);
  // the scheduler's sweep: uploaded files older than 60 days
  const sweep: schedulerV1.RetentionSweepRequested = { sweepId: 'sweep-1', dataClass: 'uploaded_files', storeId: 'retention', olderThan: new Date(Date.now() - 60 * 86_400_000).toISOString() };
  await bus.publish('retention.sweeps.v1', [{ key: 'retention', value: Buffer.from(schedulerV1.RetentionSweepRequested.encode(sweep).finish()) }]);
  const fileIds = async () => (await pg.query(`SELECT file_id FROM "${schema}".files WHERE store_id = 'retention' ORDER BY created_at`)).rows.map((row) => row.file_id as string);
  for (let i = 0; i < 100 && (await fileIds()).length === 3; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(await fileIds(), [old.fileId, recent.fileId]);
  assert.deepEqual((await objectKeys('stores/retention/')).sort(), [old.objectKey, recent.objectKey].sort());
  // FILE_RETENTION_DAYS=30: a service applies it at boot (and hourly)
  const keeper = await startIngestionService({ ...env, FILE_RETENTION_DAYS: '30', POS_CONSUMER_ENABLED: 'false' }, { bus: createInProcessBus(), schema });
  try {
    for (let i = 0; i < 100 && (await fileIds()).length === 2; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    await keeper.close();
  }
  assert.deepEqual(await fileIds(), [recent.fileId]);
  assert.deepEqual(await objectKeys('stores/retention/'), [recent.objectKey]);
  assert.equal((await rows('retention')).length, 90, 'the transactions the files brought have their own retention');
});

test('ObjectStorage: a file larger than a part goes up in parts and reads back whole; a failing source leaves nothing', async () => {
  const storage = new ObjectStorage({ endpoint: s3.S3_ENDPOINT, region: 'us-east-1', bucket, accessKey: s3.S3_ACCESS_KEY, secretKey: s3.S3_SECRET_KEY, pathStyle: true });
  const bytes = randomBytes(2 * UPLOAD_PART_BYTES + 12345);
  async function* source(fail = false) {
    for (let at = 0; at < bytes.length; at += 1 << 20) {
      if (fail && at > UPLOAD_PART_BYTES + (1 << 20)) throw new Error('the client went away');
      yield bytes.subarray(at, at + (1 << 20));
    }
  }
  const stored = await storage.put('direct/big', source(), 'application/octet-stream');
  assert.deepEqual([stored.sizeBytes, stored.sha256], [bytes.length, sha256(bytes)]);
  const parts: Buffer[] = [];
  for await (const chunk of await storage.get('direct/big')) parts.push(chunk as Buffer);
  assert.ok(Buffer.concat(parts).equals(bytes));
  await assert.rejects(storage.put('direct/failed', source(true), 'application/octet-stream'), /the client went away/);
  assert.equal(await storage.exists('direct/failed'), false);
  const incomplete: unknown[] = [];
  for await (const upload of minio.listIncompleteUploads(bucket, 'direct/failed', true)) incomplete.push(upload);
  assert.deepEqual(incomplete, [], 'the multipart upload was aborted');
  await storage.remove(['direct/big']);
  assert.equal(await storage.exists('direct/big'), false);
});

/** Line-item CSV: one invoice per [invoice number INV1..INV9, customer id] (two lines each, dated by the number). */
function invoices(rows: [invoice: string, customer: string][]): string {
  const lines = ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'];
  for (const [invoice, customer] of rows) {
    const date = `2025-01-0${invoice.slice(-1)} 10:00:00`;
    lines.push(`${invoice},A1,Apple,2,${date},1.50,${customer},France`, `${invoice},B2,Bread,1,${date},2.25,${customer},France`);
  }
  return lines.join('\n') + '\n';
}

/** Publishes an erasure request and waits for ingestion's confirmation of it. */
async function erase(request: Pick<schedulerV1.ErasureRequested, 'scope' | 'storeId' | 'customerHash'>): Promise<{ counts: Record<string, number>; note: string }> {
  const requestId = randomBytes(8).toString('hex');
  let confirmed: schedulerV1.ErasureConfirmed | undefined;
  const subscription = await bus.subscribe({ groupId: `erasure-spec-${requestId}`, topics: ['erasure.confirmations.v1'], fromBeginning: true }, async (batch) => {
    for (const message of batch) {
      const confirmation = schedulerV1.ErasureConfirmed.decode(message.value);
      if (confirmation.requestId === requestId) confirmed = confirmation;
    }
  });
  try {
    const event: schedulerV1.ErasureRequested = { requestId, requestedAt: new Date().toISOString(), deadline: '', ...request };
    await bus.publish('erasure.requests.v1', [{ key: request.storeId, value: Buffer.from(schedulerV1.ErasureRequested.encode(event).finish()) }]);
    for (let i = 0; !confirmed && i < 300; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    await subscription.close();
  }
  assert.ok(confirmed, `no confirmation of erasure request ${requestId}`);
  return { counts: Object.fromEntries(confirmed.deleted.map((d) => [d.dataClass, Number(d.count)])), note: confirmed.note };
}

describe('erasure', () => {
  test("a customer's erasure deletes every kept file that held their rows, duplicates included; the records stay without bytes, other customers' files stay", async () => {
    const storeId = 'erase-customer';
    const customerHash = hashCustomer(env.CUSTOMER_HASH_KEY, storeId, 'C-ERASE');
    const lineItems = ingestionV1.FileFormat.FILE_FORMAT_LINEITEM_CSV;
    // the customer's rows are stored from `first`; `partialCopy` and `fullCopy` hold them again, only as duplicates
    const first = await upload(storeId, invoices([['INV1', 'C-ERASE'], ['INV2', 'C-ERASE'], ['INV3', 'C-KEEP']]), '', lineItems);
    const partialCopy = await upload(storeId, invoices([['INV1', 'C-ERASE'], ['INV2', 'C-ERASE']]), 'partial', lineItems);
    const fullCopy = await upload(storeId, invoices([['INV2', 'C-ERASE'], ['INV4', 'C-KEEP']]), '', lineItems);
    const others = await upload(storeId, invoices([['INV5', 'C-KEEP'], ['INV6', 'C-OTHER']]), '', lineItems);
    assert.deepEqual([first, partialCopy, fullCopy, others].map((file) => [file.transactionCount, file.duplicates]), [['3', '0'], ['0', '2'], ['1', '1'], ['2', '0']]);
    const erased = [first, partialCopy, fullCopy];
    assert.deepEqual((await objectKeys(`stores/${storeId}/`)).sort(), [...erased, others].map((file) => file.objectKey).sort());

    const { counts, note } = await erase({ scope: 'customer', storeId, customerHash });
    assert.deepEqual(counts, { transactions: 2, files_with_rows_of_customer: 3, file_errors: 0, rejected_events: 0, object_storage: 3 });
    assert.match(note, /deleted from the bucket/);
    assert.deepEqual(await objectKeys(`stores/${storeId}/`), [others.objectKey], "only the file without the customer's rows is left in the bucket");
    const records = (await pg.query(`SELECT file_id, status, object_key, accepted::int, stored::int, duplicates::int FROM "${schema}".files WHERE store_id = $1`, [storeId])).rows;
    for (const file of erased) {
      const record = records.find((row) => row.file_id === file.fileId);
      assert.deepEqual(record && [record.status, record.object_key, record.accepted], ['completed', null, Number(file.accepted)], 'the record stays with its counts, without its object');
      await assert.rejects(download(storeId, file.fileId), (error: grpc.ServiceError) => error.code === grpc.status.NOT_FOUND);
      await assert.rejects(unary(client.reprocessFile, { storeId, fileId: file.fileId, requestId: '' }), (error: grpc.ServiceError) => error.code === grpc.status.FAILED_PRECONDITION);
    }
    const kept = await download(storeId, others.fileId);
    assert.equal(kept.header?.sha256, others.sha256);
    const left = (await pg.query(`SELECT transaction_id, customer_hash FROM "${schema}".transactions WHERE store_id = $1 ORDER BY transaction_id`, [storeId])).rows;
    assert.deepEqual(left.map((row) => row.transaction_id), ['INV3', 'INV4', 'INV5', 'INV6']);
    assert.ok(left.every((row) => row.customer_hash !== customerHash));
    const links = (await pg.query(`SELECT file_id FROM "${schema}".file_customers WHERE customer_hash = $1`, [customerHash])).rows;
    assert.deepEqual(links, [], 'no record links the customer to a file any more');
    // redelivered: nothing more to delete, confirmed again
    assert.deepEqual((await erase({ scope: 'customer', storeId, customerHash })).counts, { transactions: 0, files_with_rows_of_customer: 0, file_errors: 0, rejected_events: 0, object_storage: 0 });
  });

  test("a store's erasure deletes all its objects, an orphan under its prefix included, and its records; another store's stay", async () => {
    const storeId = 'erase-store';
    const neighbour = 'erase-store-next'; // its prefix starts with the erased store's id
    const files = [await upload(storeId, spmf(20)), await upload(storeId, spmf(20, 50), 'partial')];
    const kept = await upload(neighbour, spmf(20));
    // the bytes of an upload cut off between writing its object and recording it
    const orphan = `stores/${storeId}/files/${randomBytes(16).toString('hex')}`;
    await minio.putObject(bucket, orphan, Buffer.from(spmf(3)));
    assert.equal((await objectKeys(`stores/${storeId}/`)).length, 3);

    const { counts } = await erase({ scope: 'store', storeId, customerHash: '' });
    assert.deepEqual(counts, { transactions: Number(files[0]!.transactionCount) + Number(files[1]!.transactionCount), files: 2, file_errors: 0, rejected_events: 0, object_storage: 3 });
    assert.equal(counts.transactions, 40);
    assert.deepEqual(await objectKeys(`stores/${storeId}/`), []);
    assert.equal((await pg.query(`SELECT count(*)::int AS n FROM "${schema}".files WHERE store_id = $1`, [storeId])).rows[0].n, 0);
    for (const file of files) await assert.rejects(download(storeId, file.fileId), (error: grpc.ServiceError) => error.code === grpc.status.NOT_FOUND);
    assert.deepEqual(await objectKeys(`stores/${neighbour}/`), [kept.objectKey]);
    assert.equal((await download(neighbour, kept.fileId)).header?.sha256, kept.sha256);
  });
});
