import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Client } from 'pg';
import { createInProcessBus } from '@tessera/bus';
import { testDatabaseUrl, testObjectStorageEnv, uniqueSchema } from '@tessera/db';
import { ingestionV1 } from '@tessera/proto';
import { startIngestionService, type IngestionService } from '../main';
import { ApiKeyService, MAX_ACTIVE_KEYS_PER_STORE } from './api-key.service';

// Store API keys are kept by the node's ingestion service (issue 10): created, listed, revoked and
// verified here over its gRPC API, against the real Postgres, with only a hash of each key stored.
const bus = createInProcessBus();
const schema = uniqueSchema('ingestion_keys');
let service: IngestionService;
let keys: ApiKeyService;
let client: ingestionV1.IngestionServiceClient;
let pg: Client;

const env = { DATABASE_URL: testDatabaseUrl(), BUS_DRIVER: 'memory', LOG_LEVEL: 'silent', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', CUSTOMER_HASH_KEY: 'test-key-0123456789abcdef0123456789', POS_CONSUMER_ENABLED: 'false', ...testObjectStorageEnv() };

const rpc = <Res>(run: (callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown): Promise<Res> => new Promise((ok, fail) => run((error, response) => (error ? fail(error) : ok(response))));
const createKey = (request: ingestionV1.CreateApiKeyRequest) => rpc<ingestionV1.CreateApiKeyResponse>((cb) => client.createApiKey(request, cb));
const listKeys = (storeId: string) => rpc<ingestionV1.ListApiKeysResponse>((cb) => client.listApiKeys({ storeId }, cb));
const failure = (promise: Promise<unknown>) => promise.then((answer) => assert.fail(`answered ${JSON.stringify(answer)}`), (error: grpc.ServiceError) => error);

const create = (storeId: string, name = 'till 1', more: Partial<ingestionV1.CreateApiKeyRequest> = {}) => createKey({ storeId, name, scopes: [], createdBy: 'user-1', ...more });
const verify = (key: string) => rpc<ingestionV1.VerifyApiKeyResponse>((cb) => client.verifyApiKey({ key }, cb));
const revoke = (apiKeyId: string, storeIds: string[], allStores = false) => rpc<ingestionV1.RevokeApiKeyResponse>((cb) => client.revokeApiKey({ apiKeyId, storeIds, allStores }, cb));
const rowCount = async (storeId: string) => (await pg.query(`SELECT count(*)::int AS n FROM "${schema}".api_keys WHERE store_id = $1`, [storeId])).rows[0].n as number;

beforeAll(async () => {
  service = await startIngestionService(env, { bus, schema });
  keys = service.app.get(ApiKeyService);
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
});

afterEach(() => jest.restoreAllMocks());

test('a key is created once, in the tsk_ format, and a store lists only its own keys (never the key)', async () => {
  const a = await create('store-a', 'till 1');
  const b = await create('store-b', 'till 9');
  assert.match(a.key, /^tsk_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a.key, b.key);
  assert.equal(a.apiKey!.storeId, 'store-a');
  assert.equal(a.apiKey!.name, 'till 1');
  assert.deepEqual(a.apiKey!.scopes, ['ingestion']);
  assert.equal(a.apiKey!.createdBy, 'user-1');
  assert.ok(a.key.startsWith(a.apiKey!.prefix) && a.apiKey!.prefix.length === 12);
  assert.equal(a.apiKey!.revokedAt, '');

  const listed = await listKeys('store-a');
  assert.deepEqual(listed.apiKeys.map((k) => k.id), [a.apiKey!.id]);
  assert.ok(!JSON.stringify(listed).includes(a.key.slice(12)), 'the list never carries the key');
  assert.deepEqual((await listKeys('store-b')).apiKeys.map((k) => k.id), [b.apiKey!.id]);
  assert.deepEqual((await listKeys('store-c')).apiKeys, []);
});

test('verify answers the key’s store and scopes and records the use; a wrong secret, a made-up or malformed key is UNAUTHENTICATED', async () => {
  const { key, apiKey } = await create('store-v');
  const verified = await verify(key);
  assert.equal(verified.apiKey!.id, apiKey!.id);
  assert.equal(verified.apiKey!.storeId, 'store-v');
  assert.deepEqual(verified.apiKey!.scopes, ['ingestion']);
  const [row] = (await pg.query(`SELECT last_used_at FROM "${schema}".api_keys WHERE id = $1`, [apiKey!.id])).rows;
  assert.ok(row.last_used_at instanceof Date);

  // same prefix (so the stored candidate is found and compared), one character of the secret changed
  const last = key.at(-1) === 'A' ? 'B' : 'A';
  const wrongSecret = await failure(verify(key.slice(0, -1) + last));
  assert.equal(wrongSecret.code, grpc.status.UNAUTHENTICATED);
  assert.match(wrongSecret.details, /not recognised/);
  const madeUp = await failure(verify(`tsk_${crypto.randomBytes(32).toString('base64url')}`));
  assert.equal(madeUp.code, grpc.status.UNAUTHENTICATED);
  for (const malformed of ['tsk_made-up-key', key.slice(4), `${key}x`, '']) assert.equal((await failure(verify(malformed))).code, grpc.status.UNAUTHENTICATED, malformed);
});

test('the secret is compared as a SHA-256 in constant time, for a right and for a wrong secret', async () => {
  const { key } = await create('store-ct');
  const compare = jest.spyOn(crypto, 'timingSafeEqual');
  await keys.verify(key);
  assert.equal(compare.mock.calls.length, 1);
  const [stored, presented] = compare.mock.calls[0] as [Buffer, Buffer];
  assert.equal(stored.length, 32);
  assert.deepEqual(Buffer.from(presented), crypto.createHash('sha256').update(key).digest());
  await assert.rejects(keys.verify(key.slice(0, -2) + (key.endsWith('zz') ? 'yy' : 'zz')), /not recognised/);
  assert.equal(compare.mock.calls.length, 2, 'the wrong secret was compared with timingSafeEqual too');
});

test('the key itself is never stored: only its SHA-256 and a 12-character prefix', async () => {
  const created = await Promise.all([1, 2, 3].map((i) => create('store-secret', `till ${i}`)));
  const rows = (await pg.query(`SELECT t::text AS text, encode(key_hash, 'hex') AS hash, prefix FROM "${schema}".api_keys t`)).rows as { text: string; hash: string; prefix: string }[];
  const table = rows.map((r) => r.text).join('\n');
  for (const { key } of created) {
    const secret = key.slice(12);
    assert.ok(!table.includes(key) && !table.includes(secret), 'neither the key nor its secret part is in any column');
    assert.ok(!table.includes(Buffer.from(secret).toString('hex')) && !table.includes(Buffer.from(key, 'utf8').toString('hex')), 'nor hex-encoded');
    assert.ok(rows.some((r) => r.hash === crypto.createHash('sha256').update(key).digest('hex') && r.prefix === key.slice(0, 12)));
  }
});

test('a revoked key fails verify; only a manager of its store (or an admin) revokes it, once', async () => {
  const { key, apiKey } = await create('store-r');
  const id = apiKey!.id;
  const denied = await failure(revoke(id, ['store-other']));
  assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
  assert.match(denied.details, /belongs to store store-r/);
  assert.equal((await verify(key)).apiKey!.id, id, 'a refused revocation changes nothing');

  const revoked = await revoke(id, ['store-r']);
  assert.ok(revoked.apiKey!.revokedAt);
  const refused = await failure(verify(key));
  assert.equal(refused.code, grpc.status.UNAUTHENTICATED);
  assert.match(refused.details, /was revoked/);
  assert.equal((await failure(revoke(id, [], true))).code, grpc.status.NOT_FOUND, 'already revoked');
  assert.equal((await failure(revoke(crypto.randomUUID(), [], true))).code, grpc.status.NOT_FOUND);
  assert.equal((await failure(revoke('not-a-uuid', [], true))).code, grpc.status.INVALID_ARGUMENT);
  assert.ok((await listKeys('store-r')).apiKeys[0].revokedAt, 'a revoked key is still listed, with when');

  const byAdmin = await create('store-r', 'till 2');
  assert.ok((await revoke(byAdmin.apiKey!.id, [], true)).apiKey!.revokedAt);
});

test('bad input is INVALID_ARGUMENT naming the field, and stores nothing', async () => {
  const cases: [Partial<ingestionV1.CreateApiKeyRequest>, RegExp][] = [
    [{ storeId: 'bad store id!' }, /storeId/],
    [{ storeId: '' }, /storeId/],
    [{ storeId: 'x'.repeat(65) }, /storeId/],
    [{ name: '   ' }, /name/],
    [{ name: 'x'.repeat(101) }, /name/],
    [{ name: 'till\u0000 1' }, /name/],
    [{ scopes: ['admin'] }, /scopes: "admin" is not a scope/],
    [{ scopes: ['ingestion', 'read'] }, /scopes/],
    [{ createdBy: 'u'.repeat(201) }, /createdBy/],
  ];
  for (const [fields, message] of cases) {
    const error = await failure(createKey({ storeId: 'store-bad', name: 'till', scopes: [], createdBy: '', ...fields }));
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(fields));
    assert.match(error.details, message);
  }
  assert.equal((await failure(listKeys('../etc'))).code, grpc.status.INVALID_ARGUMENT);
  assert.equal(await rowCount('store-bad'), 0);
  assert.equal((await create('store-bad', '  till 3  ', { scopes: ['ingestion', 'ingestion'] })).apiKey!.name, 'till 3', 'the name is trimmed; a repeated scope counts once');
});

test(`a store holds at most ${MAX_ACTIVE_KEYS_PER_STORE} active keys, also when created concurrently; revoking one makes room`, async () => {
  const storeId = 'store-limit';
  for (let i = 0; i < MAX_ACTIVE_KEYS_PER_STORE - 3; i++) await keys.create({ storeId, name: `till ${i}` });
  const racing = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => create(storeId, `racing ${i}`)));
  assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 3);
  const refused = racing.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason as grpc.ServiceError;
  assert.equal(refused.code, grpc.status.FAILED_PRECONDITION);
  assert.match(refused.details, new RegExp(`already has ${MAX_ACTIVE_KEYS_PER_STORE} active API keys`));
  assert.equal(await rowCount(storeId), MAX_ACTIVE_KEYS_PER_STORE);

  const [first] = (await listKeys(storeId)).apiKeys;
  await revoke(first.id, [storeId]);
  await create(storeId, 'replacement');
  assert.equal((await failure(create(storeId, 'one too many'))).code, grpc.status.FAILED_PRECONDITION);
  assert.equal((await create('store-limit-other', 'another store')).apiKey!.storeId, 'store-limit-other', 'the limit is per store');
});
