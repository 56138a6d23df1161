/**
 * The store-node ingestion path end to end: ingestion and gateway as separate processes
 * on the real Postgres and Kafka that scripts/infra/up.sh starts. The gateway requires a
 * signed-in caller, so an auth service runs too and the test signs in as an admin made
 * with `tessera admin create-user`.
 */
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { startServiceProcess, waitFor, type ServiceProcess } from './support/processes';
import { KAFKA_BROKERS, DATABASE_URL, S3_ENV, testPool, uniqueId } from './support/infra';
import { REDIS_URL, authEnvFor, makeSigningMaterial, runCli } from './support/auth-stack';

const run = uniqueId('e2e');
const topics = { pos: `pos.transactions.v1.${run}`, dlq: `pos.transactions.dlq.v1.${run}`, batches: `ingestion.batches.v1.${run}` };
const kafka = new Kafka({ clientId: run, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
let producer: Producer;
let pool: Pool;
let ingestion: ServiceProcess;
let gateway: ServiceProcess;
let auth: ServiceProcess;
const authSchema = run.replace(/-/g, '_');
const signing = makeSigningMaterial();
/** The admin's Authorization header, for every gateway call. */
let authorization: Record<string, string> = {};

const ingestionEnv = {
  ...S3_ENV,
  DATABASE_URL,
  BUS_DRIVER: 'kafka',
  KAFKA_BROKERS: KAFKA_BROKERS.join(','),
  CUSTOMER_HASH_KEY: 'e2e-customer-hash-key-0123456789abcdef',
  POS_TOPIC: topics.pos,
  POS_DLQ_TOPIC: topics.dlq,
  BATCHES_TOPIC: topics.batches,
  POS_CONSUMER_GROUP: `ingestion-${run}`,
};

function event(storeId: string, transactionId: string, index: number) {
  return {
    transactionId,
    storeId,
    occurredAt: new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString(),
    customerId: `customer-${index % 97}`,
    lines: [
      { sku: `SKU-${index % 13}`, name: 'Mug', quantity: 1 + (index % 3), unitPrice: 2.55 },
      { sku: `SKU-${(index % 13) + 100}`, quantity: 2, unitPrice: 0.85, unitProfit: 0.3 },
    ],
  };
}

/** Malformed in several distinct ways, each with the field the DLQ must name. */
function malformed(storeId: string, index: number): { value: string; field: string } {
  switch (index % 5) {
    case 0:
      return { value: '{"transactionId": "broken', field: '' };
    case 1:
      return { value: JSON.stringify({ ...event(storeId, `bad-${index}`, index), occurredAt: 'yesterday' }), field: '/occurredAt' };
    case 2:
      return { value: JSON.stringify({ ...event(storeId, `bad-${index}`, index), lines: [] }), field: '/lines' };
    case 3: {
      const bad = event(storeId, `bad-${index}`, index);
      (bad.lines[0] as { quantity: number }).quantity = -2;
      return { value: JSON.stringify(bad), field: '/lines/0/quantity' };
    }
    default: {
      const { transactionId: _dropped, ...rest } = event(storeId, `bad-${index}`, index);
      return { value: JSON.stringify(rest), field: '/transactionId' };
    }
  }
}

async function storedCount(storeIds: string[]): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM ingestion.transactions WHERE store_id = ANY($1)', [storeIds]);
  return rows[0].n;
}

async function readDlq(expected: number): Promise<Map<string, { reason: string; field: string; payload: string }>> {
  const consumer = kafka.consumer({ groupId: uniqueId('dlq-reader') });
  const seen = new Map<string, { reason: string; field: string; payload: string }>();
  await consumer.connect();
  await consumer.subscribe({ topic: topics.dlq, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const header = (name: string) => message.headers?.[name]?.toString() ?? '';
      seen.set(`${header('source-partition')}:${header('source-offset')}`, { reason: header('reason'), field: header('field-path'), payload: message.value!.toString() });
    },
  });
  try {
    await waitFor(`${expected} DLQ records`, async () => seen.size >= expected, 60_000);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

async function upload(storeId: string, fileName: string, content: string, format?: string) {
  const form = new FormData();
  form.append('storeId', storeId);
  if (format) form.append('format', format);
  form.append('file', new Blob([content]), fileName);
  const response = await fetch(`http://127.0.0.1:${gateway.httpPort}/api/transactions/upload`, { method: 'POST', body: form, headers: authorization });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Signs in as a new manager of `storeId` (store and user created through the admin API): only they read its raw transactions. */
async function managerAuthorization(storeId: string): Promise<Record<string, string>> {
  const base = `http://127.0.0.1:${gateway.httpPort}`;
  const json = { ...authorization, 'content-type': 'application/json' };
  const store = await fetch(`${base}/api/stores`, { method: 'POST', headers: json, body: JSON.stringify({ id: storeId, name: storeId }) });
  assert.ok(store.status === 201 || store.status === 409, `create store: ${store.status}`);
  const email = `${uniqueId('manager')}@e2e.example`;
  const user = await fetch(`${base}/api/users`, { method: 'POST', headers: json, body: JSON.stringify({ email, role: 'store_manager', storeId }) });
  assert.equal(user.status, 201, `create manager: ${await user.clone().text()}`);
  const { password } = (await user.json()) as { password: string };
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  assert.equal(login.status, 200);
  return { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
}

describe('ingestion end to end (real Postgres, real Kafka, separate processes)', () => {
  jest.setTimeout(10 * 60_000);
  beforeAll(async () => {
    pool = testPool();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: topics.pos, numPartitions: 6 }, { topic: topics.dlq, numPartitions: 3 }, { topic: topics.batches, numPartitions: 3 }] });
    await admin.disconnect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    ingestion = await startServiceProcess('ingestion', ingestionEnv);
    auth = await startServiceProcess('auth', authEnvFor(authSchema, signing));
    gateway = await startServiceProcess(
      'gateway',
      { INGESTION_GRPC_URL: `127.0.0.1:${ingestion.grpcPort}`, AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, JWT_VERIFY_KEYS: signing.verifyKeys, REDIS_URL, RATE_LIMIT_PREFIX: `e2e:${run}` },
      { grpc: false },
    );
    const email = `${run}-admin@e2e.example`;
    const created = await runCli(['admin', 'create-user', '--role', 'admin', '--email', email, '--schema', authSchema], { DATABASE_URL });
    const password = /password \(shown once[^)]*\): (\S+)/.exec(created.stdout)?.[1];
    assert.ok(password, `tessera admin create-user: ${created.stdout}${created.stderr}`);
    const login = await fetch(`http://127.0.0.1:${gateway.httpPort}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    assert.equal(login.status, 200);
    authorization = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
  });

  afterAll(async () => {
    await gateway?.kill();
    await auth?.kill();
    await ingestion?.kill();
    await pool?.query(`DROP SCHEMA IF EXISTS "${authSchema}" CASCADE`);
    await producer?.disconnect();
    await pool?.end();
  });

  test('20,000 POS events, 1% malformed and 2% duplicates: exactly the valid distinct ones are stored, every malformed one is in the DLQ', async () => {
    const stores = [uniqueId('pos-a'), uniqueId('pos-b'), uniqueId('pos-c'), uniqueId('pos-d')];
    const total = 20_000;
    const messages: { key: string; value: string }[] = [];
    const malformedFields = new Map<string, string>();
    const validSent: { key: string; value: string }[] = [];
    for (let i = 0; messages.length < total; i++) {
      const storeId = stores[i % stores.length];
      if (i % 100 === 7) {
        const bad = malformed(storeId, i);
        messages.push({ key: storeId, value: bad.value });
        malformedFields.set(bad.value, bad.field);
      } else if (i % 50 === 3 && validSent.length > 0) {
        messages.push(validSent[(i * 31) % validSent.length]); // an exact resend of an earlier event
      } else {
        const message = { key: storeId, value: JSON.stringify(event(storeId, `t-${i}`, i)) };
        validSent.push(message);
        messages.push(message);
      }
    }
    const duplicates = messages.length - validSent.length - malformedFields.size;
    assert.ok(malformedFields.size >= total * 0.01 * 0.9 && duplicates >= total * 0.02 * 0.9, `${malformedFields.size} malformed, ${duplicates} duplicates`);
    for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic: topics.pos, messages: messages.slice(i, i + 1000) });

    await waitFor(`${validSent.length} stored transactions`, async () => (await storedCount(stores)) === validSent.length, 120_000);
    const dlq = await readDlq(malformedFields.size);
    assert.equal(dlq.size, malformedFields.size, 'one DLQ record per malformed event');
    for (const record of dlq.values()) {
      assert.ok(malformedFields.has(record.payload), 'the DLQ keeps the original payload');
      assert.ok(record.reason.length > 0, 'every DLQ record has a reason');
      assert.equal(record.field, malformedFields.get(record.payload), `field path for ${record.payload.slice(0, 60)}`);
    }
    // Nothing more arrives later, and customer ids are stored only hashed.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await storedCount(stores), validSent.length);
    const { rows } = await pool.query('SELECT customer_hash FROM ingestion.transactions WHERE store_id = $1 LIMIT 5', [stores[0]]);
    for (const row of rows) assert.match(row.customer_hash, /^[0-9a-f]{40}$/);
    const { rows: clear } = await pool.query(`SELECT count(*)::int AS n FROM ingestion.transactions WHERE store_id = ANY($1) AND (customer_hash LIKE 'customer-%' OR lines::text LIKE '%customer-%')`, [stores]);
    assert.equal(clear[0].n, 0);
  });

  test('SIGKILL while consuming, then restart: the stored count is exact, nothing lost or doubled', async () => {
    const storeId = uniqueId('pos-kill');
    const total = 12_000;
    const messages = Array.from({ length: total }, (_, i) => ({ key: storeId, value: JSON.stringify(event(storeId, `k-${i}`, i)) }));
    for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic: topics.pos, messages: messages.slice(i, i + 1000) });
    await waitFor('some events to be stored', async () => (await storedCount([storeId])) > 500, 60_000, 20);
    const before = await storedCount([storeId]);
    await ingestion.kill('SIGKILL');
    assert.ok(before < total, `killed mid-way (${before} of ${total} stored)`);
    // Send a few duplicates of what was already consumed, as a POS would after a timeout.
    await producer.send({ topic: topics.pos, messages: messages.slice(0, 200) });
    // Restarted on the same ports, as a restarted pod keeps its address: the gateway reconnects.
    ingestion = await startServiceProcess('ingestion', ingestionEnv, { httpPort: ingestion.httpPort, grpcPort: ingestion.grpcPort });
    await waitFor(`${total} stored after restart`, async () => (await storedCount([storeId])) === total, 120_000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await storedCount([storeId]), total);
  });

  test('a seed CSV and a line-item CSV with errors: valid rows stored, each error names its line', async () => {
    const storeId = uniqueId('file');
    const seed = ['items,quantities,unit_utilities', 'A|B,1|2,1.5|2.25', 'A,two,1', 'C|D|E,1|1|1,1|1|1', 'F,1', 'G,3,0.10'].join('\n');
    const seedResult = await upload(storeId, 'basket.csv', seed);
    assert.equal(seedResult.status, 201, JSON.stringify(seedResult.body));
    assert.equal(seedResult.body.status, 'completed');
    assert.equal(seedResult.body.transactionCount, 3);
    assert.deepEqual(seedResult.body.errors.map((e: { line: number }) => e.line), [3, 5]);

    const lineItems = [
      'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country',
      '900001,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom',
      '900001,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom',
      'C900002,22633,HAND WARMER UNION JACK,-6,2010-12-01 08:28:00,1.85,17850.0,United Kingdom',
      '900003,22632,"HAND WARMER, RED",abc,2010-12-01 08:28:00,1.85,17850.0,United Kingdom',
      '900003,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047.0,United Kingdom',
    ].join('\r\n');
    const lineResult = await upload(storeId, 'invoices.csv', lineItems);
    assert.equal(lineResult.status, 201, JSON.stringify(lineResult.body));
    assert.equal(lineResult.body.transactionCount, 2);
    assert.deepEqual(lineResult.body.errors.map((e: { line: number; field: string }) => [e.line, e.field]), [[4, 'InvoiceNo'], [5, 'Quantity']]);

    // Uploading the same file again stores nothing new.
    const again = await upload(storeId, 'invoices.csv', lineItems);
    assert.equal(again.body.transactionCount, 0);
    assert.equal(again.body.duplicates, 2);

    const manager = await managerAuthorization(storeId);
    const listed = await fetch(`http://127.0.0.1:${gateway.httpPort}/api/transactions?storeId=${storeId}&limit=10`, { headers: manager }).then((r) => r.json() as Promise<any>);
    assert.equal(listed.total, 5);
    const invoice = listed.transactions.find((t: { transactionId: string }) => t.transactionId === '900001');
    assert.equal(invoice.totalUtility, 6 * 2.55 + 6 * 3.39);

    const status = await fetch(`http://127.0.0.1:${gateway.httpPort}/api/transactions/files/${lineResult.body.fileId}?storeId=${storeId}`, { headers: authorization }).then((r) => r.json() as Promise<any>);
    assert.equal(status.status, 'completed');
    assert.equal(status.errors.length, 2);
    const otherStore = await fetch(`http://127.0.0.1:${gateway.httpPort}/api/transactions/files/${lineResult.body.fileId}?storeId=${uniqueId('other')}`, { headers: authorization });
    assert.equal(otherStore.status, 404, "a file is not visible through another store's id");

    const bad = await fetch(`http://127.0.0.1:${gateway.httpPort}/api/transactions?storeId=${storeId}&limit=5000`, { headers: manager });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /limit/);
  });

  test('a file upload and a Kafka stream for the same store at the same time agree on counts', async () => {
    const storeId = uniqueId('both');
    const count = 3000;
    const header = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country';
    const rows = [header];
    const messages = [];
    for (let i = 0; i < count; i++) {
      const id = `inv-${i}`;
      rows.push(`${id},SKU-${i % 17},Item,${1 + (i % 4)},2011-03-01 10:00:00,1.25,,France`);
      messages.push({ key: storeId, value: JSON.stringify({ transactionId: id, storeId, occurredAt: '2011-03-01T10:00:00Z', lines: [{ sku: `SKU-${i % 17}`, quantity: 1 + (i % 4), unitPrice: 1.25 }] }) });
    }
    const [fileResult] = await Promise.all([
      upload(storeId, 'same.csv', rows.join('\n')),
      (async () => {
        for (let i = 0; i < messages.length; i += 500) await producer.send({ topic: topics.pos, messages: messages.slice(i, i + 500) });
      })(),
    ]);
    assert.equal(fileResult.status, 201);
    await waitFor(`${count} distinct transactions`, async () => (await storedCount([storeId])) === count, 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await storedCount([storeId]), count);
    assert.equal(fileResult.body.transactionCount + fileResult.body.duplicates, count, 'every file row was either stored by the file or already stored from Kafka');
    const { rows: sources } = await pool.query(`SELECT source, count(*)::int AS n FROM ingestion.transactions WHERE store_id = $1 GROUP BY source`, [storeId]);
    const fromFile = sources.find((s: { source: string }) => s.source === 'file')?.n ?? 0;
    assert.equal(fromFile, fileResult.body.transactionCount, 'the file stored exactly what it reported');
  });

  // Last: it stops the auth service. Store API keys are kept and verified by the node's ingestion
  // service, so a till keeps posting while the hub's auth service is unreachable (issue 10).
  test('POS events over REST with a node-created API key are stored while the auth service is stopped', async () => {
    const storeId = uniqueId('till-store');
    const base = `http://127.0.0.1:${gateway.httpPort}`;
    const created = await fetch(`${base}/api/api-keys`, { method: 'POST', headers: { ...authorization, 'content-type': 'application/json' }, body: JSON.stringify({ storeId, name: 'till 1' }) });
    assert.equal(created.status, 201, await created.clone().text());
    const { key, apiKey } = (await created.json()) as { key: string; apiKey: { id: string } };
    const { rows: onNode } = await pool.query('SELECT store_id FROM ingestion.api_keys WHERE id = $1', [apiKey.id]);
    assert.deepEqual(onNode, [{ store_id: storeId }], 'the key is kept by the node');
    const { rows: inAuth } = await pool.query(`SELECT count(*)::int AS n FROM "${authSchema}".api_keys`);
    assert.equal(inAuth[0].n, 0, 'the auth service holds no API key');

    await auth.kill();
    const post = (transactionId: string, headers: Record<string, string>) =>
      fetch(`${base}/api/transactions/events`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ storeId, events: [event(storeId, transactionId, 1)] }) });
    const ids = [uniqueId('offline-1'), uniqueId('offline-2')];
    const first = await post(ids[0], { 'x-api-key': key });
    assert.equal(first.status, 200, await first.clone().text());
    assert.equal(((await first.json()) as { stored: number }).stored, 1);
    const second = await post(ids[1], { authorization: `Bearer ${key}` });
    assert.equal(second.status, 200, await second.clone().text());
    const { rows } = await pool.query('SELECT transaction_id FROM ingestion.transactions WHERE store_id = $1 ORDER BY transaction_id', [storeId]);
    assert.deepEqual(rows.map((r: { transaction_id: string }) => r.transaction_id), [...ids].sort());
    const wrong = await post(uniqueId('offline-3'), { 'x-api-key': `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}` });
    assert.equal(wrong.status, 401, 'a wrong key is still refused');
    assert.equal(await storedCount([storeId]), 2);
  });
});
