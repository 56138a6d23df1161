// The embedded default's object storage: s3rver (Node only) behind the same ingestion code path as
// S3Mock and MinIO: the bucket is created at boot, an upload is kept with its sha256, and it
// downloads byte for byte.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createInProcessBus } from '@tessera/bus';
import { testDatabaseUrl, uniqueSchema } from '@tessera/db';
import { startIngestionService, type IngestionService } from '@tessera/ingestion-service';
import { ingestionV1 } from '@tessera/proto';
import { Client } from 'pg';
import { uploadToIngestion } from './embedded-round';
import { startEmbeddedObjectStorage, type EmbeddedObjectStorage } from './embedded-s3';

const directory = mkdtempSync(join(tmpdir(), 'tessera-s3rver-spec-'));
const schema = uniqueSchema('cli_s3rver');
const bus = createInProcessBus();
let storage: EmbeddedObjectStorage;
let ingestion: IngestionService;
let client: ingestionV1.IngestionServiceClient;

beforeAll(async () => {
  storage = await startEmbeddedObjectStorage({ directory });
  ingestion = await startIngestionService(
    { DATABASE_URL: testDatabaseUrl(), BUS_DRIVER: 'memory', LOG_LEVEL: 'silent', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', CUSTOMER_HASH_KEY: 'test-key-0123456789abcdef0123456789', POS_CONSUMER_ENABLED: 'false', ...storage.env },
    { bus, schema },
  );
  client = new ingestionV1.IngestionServiceClient(`127.0.0.1:${ingestion.grpcPort}`, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await ingestion?.close();
  await bus.close();
  await storage?.stop();
  rmSync(directory, { recursive: true, force: true });
  const pg = new Client({ connectionString: testDatabaseUrl() });
  await pg.connect();
  await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pg.end();
});

test('ingestion on s3rver: the file is kept in the bucket under the data dir and downloads byte for byte', async () => {
  assert.match(storage.env.S3_ENDPOINT, /^http:\/\/127\.0\.0\.1:\d+$/);
  const content = Array.from({ length: 500 }, (_, i) => `${(i % 9) + 1} ${(i % 4) + 20}:5:3 2`).join('\n') + '\n';
  const file = await uploadToIngestion(client, 'store-embedded', content, 'spmf');
  assert.equal(Number(file.transactionCount), 500);
  assert.equal(file.sha256, createHash('sha256').update(content).digest('hex'));
  assert.equal(file.bucket, 'tessera-uploads');
  assert.ok(existsSync(join(directory, 'tessera-uploads')), 's3rver keeps the bucket under its directory');
  const body = await new Promise<Buffer>((ok, fail) => {
    const parts: Buffer[] = [];
    const call = client.downloadFile({ storeId: 'store-embedded', fileId: file.fileId });
    call.on('data', (message: ingestionV1.DownloadFileResponse) => message.part?.$case === 'chunk' && parts.push(Buffer.from(message.part.value)));
    call.on('error', fail);
    call.on('end', () => ok(Buffer.concat(parts)));
  });
  assert.equal(body.toString(), content);
});
