import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { Client } from 'pg';
import { createInProcessBus } from '@tessera/bus';
import { testDatabaseUrl, uniqueSchema, testObjectStorageEnv } from '@tessera/db';
import { ingestionV1 } from '@tessera/proto';
import { startIngestionService, type IngestionService } from './main';

// Issue 11: a 150 MB upload (limit 100 MB) was answered 413 after three minutes with 3.6 million
// transactions already committed. Uploads are all-or-nothing now; these cases reproduce it small.
const LIMIT = 64 * 1024;
const bus = createInProcessBus();
const schema = uniqueSchema('ingestion');
let service: IngestionService;
let client: ingestionV1.IngestionServiceClient;
let pg: Client;

const env = { DATABASE_URL: testDatabaseUrl(), BUS_DRIVER: 'memory', LOG_LEVEL: 'silent', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', CUSTOMER_HASH_KEY: 'test-key-0123456789abcdef0123456789', MAX_UPLOAD_BYTES: String(LIMIT), FILE_BATCH_SIZE: '50', ...testObjectStorageEnv() };

/** SPMF lines, each a distinct transaction (line numbers differ, so content ids differ). */
function spmf(lines: number, from = 0): string {
  let text = '';
  for (let i = 0; i < lines; i++) text += `${(from + i) % 50 + 1} ${(from + i) % 7 + 60}:${3 + (i % 5)}:3 ${i % 5}\n`;
  return text;
}

function upload(storeId: string, parts: (string | Buffer)[], options: { mode?: string; cancelAfter?: number } = {}): Promise<ingestionV1.FileSummary> {
  return new Promise((ok, fail) => {
    const call = client.uploadFile((error, response) => (error ? fail(error) : ok(response.file!)));
    call.write({ part: { $case: 'header', value: { storeId, fileName: 'f.txt', format: ingestionV1.FileFormat.FILE_FORMAT_SPMF, requestId: '', mode: options.mode ?? '' } } });
    let bytes = 0;
    parts.forEach((part, i) => {
      const buffer = Buffer.from(part);
      for (let at = 0; at < buffer.length; at += 8192) call.write({ part: { $case: 'chunk', value: buffer.subarray(at, at + 8192) } });
      bytes += buffer.length;
      if (options.cancelAfter === i) setTimeout(() => call.cancel(), 300);
    });
    if (options.cancelAfter === undefined) {
      call.write({ part: { $case: 'end', value: { bytes: String(bytes) } } });
      call.end();
    }
  });
}

async function counts(storeId: string): Promise<{ stored: number; staged: number }> {
  const [stored] = (await pg.query(`SELECT count(*)::int AS n FROM "${schema}".transactions WHERE store_id = $1`, [storeId])).rows;
  const [staged] = (await pg.query(`SELECT count(*)::int AS n FROM "${schema}".staged_transactions WHERE store_id = $1`, [storeId])).rows;
  return { stored: stored.n, staged: staged.n };
}

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
  await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pg.end();
});

test('a file over the size limit stores nothing, and the answer and the file record say so', async () => {
  const body = spmf(6000); // ~80 batches of 50 are read before the limit is hit
  assert.ok(body.length > LIMIT);
  const error = (await upload('too-large', [body]).then(() => assert.fail('accepted'), (e: grpc.ServiceError) => e)) as grpc.ServiceError;
  assert.equal(error.code, grpc.status.RESOURCE_EXHAUSTED);
  // the bytes go to object storage before any row is parsed: the limit is hit there, and the partial object removed
  assert.match(error.details, /larger than the 65536-byte upload limit; nothing from this file was stored \(refused while it was written to object storage, before any row was read; its bytes were removed\)/);
  assert.deepEqual(await counts('too-large'), { stored: 0, staged: 0 });
  const fileId = /file ([0-9a-f-]{36})/.exec(error.details)![1];
  const { file } = await new Promise<ingestionV1.GetFileResponse>((ok, fail) => client.getFile({ storeId: 'too-large', fileId, errorLimit: 10, errorOffset: 0 }, (e, r) => (e ? fail(e) : ok(r))));
  assert.equal(file!.status, ingestionV1.FileStatus.FILE_STATUS_FAILED);
  assert.equal(Number(file!.transactionCount), 0);
  assert.match(file!.failureReason, /nothing from this file was stored/);
});

test('an upload aborted half-way stores nothing', async () => {
  const error = (await upload('aborted', [spmf(300), spmf(300, 300)], { cancelAfter: 1 }).then(() => assert.fail('accepted'), (e: grpc.ServiceError) => e)) as grpc.ServiceError;
  assert.equal(error.code, grpc.status.CANCELLED);
  // the server notices the cancellation on its side; give it a moment to clean up
  for (let i = 0; i < 50; i++) {
    const { rows } = await pg.query(`SELECT status FROM "${schema}".files WHERE store_id = 'aborted'`);
    if (rows[0]?.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const { rows } = await pg.query(`SELECT status, failure_reason FROM "${schema}".files WHERE store_id = 'aborted'`);
  assert.equal(rows[0].status, 'failed');
  assert.match(rows[0].failure_reason, /aborted.*nothing from this file was stored/);
  assert.deepEqual(await counts('aborted'), { stored: 0, staged: 0 });
});

test('a file unreadable beyond row errors (a line longer than 1 MB) is refused whole', async () => {
  const huge = Buffer.alloc(1_100_000, 0x31);
  const big = await startIngestionService({ ...env, MAX_UPLOAD_BYTES: String(8 * 1024 * 1024) }, { bus, schema });
  const bigClient = new ingestionV1.IngestionServiceClient(`127.0.0.1:${big.grpcPort}`, grpc.credentials.createInsecure());
  try {
    const error = await new Promise<grpc.ServiceError>((ok) => {
      const call = bigClient.uploadFile((e) => ok(e!));
      call.write({ part: { $case: 'header', value: { storeId: 'long-line', fileName: 'f.txt', format: ingestionV1.FileFormat.FILE_FORMAT_SPMF, requestId: '', mode: '' } } });
      call.write({ part: { $case: 'chunk', value: Buffer.from(spmf(200)) } });
      call.write({ part: { $case: 'chunk', value: huge } });
      call.end();
    });
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error.details, /line 201: the line is longer than 1000000 characters.*nothing from this file was stored/);
    assert.deepEqual(await counts('long-line'), { stored: 0, staged: 0 });
  } finally {
    bigClient.close();
    await big.close();
  }
});

test('a complete file with row errors stores its valid rows in one go; the staging table is left empty', async () => {
  const file = await upload('complete', [spmf(120), 'not a transaction\n', spmf(30, 500)]);
  assert.equal(file.status, ingestionV1.FileStatus.FILE_STATUS_COMPLETED);
  assert.equal(Number(file.transactionCount), 150);
  assert.equal(Number(file.accepted), 150);
  assert.equal(Number(file.rejected), 1);
  assert.equal(file.errors[0].line, '121');
  assert.deepEqual(await counts('complete'), { stored: 150, staged: 0 });
  // the same file again: all duplicates, nothing doubled
  const again = await upload('complete', [spmf(120), 'not a transaction\n', spmf(30, 500)]);
  assert.equal(Number(again.transactionCount), 0);
  assert.equal(Number(again.duplicates), 150);
  assert.deepEqual(await counts('complete'), { stored: 150, staged: 0 });
});

test('mode=partial keeps the batches committed before a failure, and says how many', async () => {
  // Too large is now refused before parsing (the bytes go to the bucket first); a line past the parser's limit fails after some batches.
  const big = await startIngestionService({ ...env, MAX_UPLOAD_BYTES: String(8 * 1024 * 1024) }, { bus, schema });
  const bigClient = new ingestionV1.IngestionServiceClient(`127.0.0.1:${big.grpcPort}`, grpc.credentials.createInsecure());
  const error = await new Promise<grpc.ServiceError>((ok) => {
    const call = bigClient.uploadFile((e) => ok(e!));
    call.write({ part: { $case: 'header', value: { storeId: 'partial', fileName: 'f.txt', format: ingestionV1.FileFormat.FILE_FORMAT_SPMF, requestId: '', mode: 'partial' } } });
    call.write({ part: { $case: 'chunk', value: Buffer.from(spmf(200)) } });
    call.write({ part: { $case: 'chunk', value: Buffer.alloc(1_100_000, 0x31) } });
    call.end();
  }).finally(async () => {
    bigClient.close();
    await big.close();
  });
  assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
  const { stored } = await counts('partial');
  assert.ok(stored > 0, 'partial uploads keep what was committed');
  assert.match(error.details, new RegExp(`${stored} transactions stored before this point are kept \\(partial upload\\)`));
  const bad = (await upload('partial', ['1:1:1\n'], { mode: 'sometimes' }).then(() => assert.fail('accepted'), (e: grpc.ServiceError) => e)) as grpc.ServiceError;
  assert.equal(bad.code, grpc.status.INVALID_ARGUMENT);
  assert.match(bad.details, /mode must be all-or-nothing or partial/);
});

test("a file's row errors are listed in line order (9, 10, 100, 250), not in the order of their text", async () => {
  const lines = spmf(260).split('\n');
  for (const line of [9, 10, 100, 250]) lines[line - 1] = 'not an spmf line';
  const file = await upload('error-order', [lines.join('\n')], { mode: 'partial' });
  assert.equal(Number(file.rejected), 4);
  const { file: listed } = await new Promise<ingestionV1.GetFileResponse>((ok, fail) => client.getFile({ storeId: 'error-order', fileId: file.fileId, errorLimit: 10, errorOffset: 0 }, (e, r) => (e ? fail(e) : ok(r))));
  assert.deepEqual(listed!.errors.map((e) => e.line), ['9', '10', '100', '250']);
  const { file: second } = await new Promise<ingestionV1.GetFileResponse>((ok, fail) => client.getFile({ storeId: 'error-order', fileId: file.fileId, errorLimit: 2, errorOffset: 2 }, (e, r) => (e ? fail(e) : ok(r))));
  assert.deepEqual(second!.errors.map((e) => e.line), ['100', '250'], 'pages follow the same order');
});
