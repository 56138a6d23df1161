/**
 * Issue 11 at the HTTP edge: what a hostile or careless user sends to a real gateway (over
 * real auth, ingestion, mining, privacy and federation processes on Postgres, Redis and Kafka).
 * First the cases that were seen (each reproduced), then a fast-check fuzz over every route
 * family: random and adversarial bodies, queries and files. The property everywhere: the
 * answer is 2xx or 4xx, never 5xx, and nothing is stored for a refused request.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Pool } from 'pg';
import { testPool, uniqueId } from './support/infra';
import { createAndLogin, http, startAuthStack, type AuthStack, type HttpAnswer } from './support/auth-stack';

const UPLOAD_LIMIT = 256 * 1024;
let stack: AuthStack;
let port: number;
let pool: Pool;
let manager: { token: string; user: { id: string; email: string } };
const storeId = uniqueId('hostile');
const adminToken = () => stack.admin.session.token;

async function storedRows(store: string): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM ingestion.transactions WHERE store_id = $1', [store]);
  return rows[0].n;
}

async function stagedRows(store: string): Promise<number> {
  const { rows } = await pool.query('SELECT count(*)::int AS n FROM ingestion.staged_transactions WHERE store_id = $1', [store]);
  return rows[0].n;
}

/** A raw request (bodies JSON.stringify cannot make: deep nesting, duplicate or prototype keys). */
async function raw(method: string, path: string, body: string | undefined, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, body, headers: { authorization: `Bearer ${adminToken()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // text answers stay text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

function spmfFile(lines: number): string {
  let text = '';
  for (let i = 0; i < lines; i++) text += `${(i % 40) + 1} ${(i % 9) + 50}:${2 + (i % 3)}:2 ${i % 3}\n`;
  return text;
}

function uploadForm(store: string, content: string | Blob, format = 'spmf'): FormData {
  const form = new FormData();
  form.append('storeId', store);
  form.append('format', format);
  form.append('file', content instanceof Blob ? content : new Blob([content]), 'upload.txt');
  return form;
}

describe('hostile input at the gateway (issue 11, real processes)', () => {
  jest.setTimeout(10 * 60_000);
  beforeAll(async () => {
    stack = await startAuthStack({ gatewayEnv: { MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT), PRINCIPAL_CACHE_TTL_MS: '0', RATE_LIMIT_PER_IP: '100000', RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_API_KEY: '100000' } });
    port = stack.port;
    pool = testPool();
    const created = await http(port, 'POST', '/api/stores', { token: adminToken(), json: { id: storeId, name: 'Hostile' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    manager = await createAndLogin(stack, { role: 'store_manager', storeId });
  });

  afterAll(async () => {
    await pool?.end();
    await stack?.close();
  });

  test('deeply nested JSON under the body limit is a 400 naming the body, not a 500', async () => {
    const deep = `{"storeId":"${storeId}","topK":3,"x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const answer = await raw('POST', '/api/mining/start', deep);
    assert.equal(answer.status, 400, JSON.stringify(answer.body));
    assert.match(JSON.stringify(answer.body), /body\.x(\[0\])+: the body nests deeper than 32 levels/);
  });

  test('__proto__ and constructor keys in a body are a 400 naming the key', async () => {
    for (const key of ['__proto__', 'constructor']) {
      const answer = await raw('POST', '/api/mining/start', `{"storeId":"${storeId}","topK":3,"${key}":{"isAdmin":true}}`);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.match(JSON.stringify(answer.body), new RegExp(`body\\.${key}: the key \\\\"${key}\\\\" is not allowed`));
    }
    const events = await raw('POST', '/api/transactions/events', JSON.stringify({ storeId, events: [{ transactionId: 't', storeId, occurredAt: '2024-01-01T00:00:00Z', lines: [{ sku: 'a', quantity: 1, unitPrice: 1 }] }] }).replace('{"sku"', '{"__proto__":{"quantity":5},"sku"'));
    assert.equal(events.status, 400);
    assert.match(JSON.stringify(events.body), /body\.events\[0\]\.lines\[0\]\.__proto__/);
    assert.equal(await storedRows(storeId), 0);
  });

  test('very large numbers in queries and bodies are a 400 naming the field, never a 502 from gRPC serialisation', async () => {
    const jobId = randomUUID();
    const cases: [string, RegExp][] = [
      [`/api/mining/results/${jobId}?storeId=${storeId}&offset=99999999999999999999`, /offset must not be greater than 1000000000/],
      [`/api/mining/results/${jobId}?storeId=${storeId}&minUtility=1e300`, /minUtility must not be greater than 90071992547409/],
      [`/api/mining/results/${jobId}?storeId=${storeId}&limit=1e30`, /limit/],
      [`/api/transactions?storeId=${storeId}&offset=1e20`, /offset must not be greater than/],
      [`/api/transactions?storeId=${storeId}&minUtility=1e300`, /minUtility must be at most/],
      [`/api/audit?offset=1e20`, /offset must not be greater than/],
      [`/api/federated/rounds?offset=1e20`, /offset must not be greater than/],
    ];
    for (const [path, field] of cases) {
      const answer = await http(port, 'GET', path, { token: path.startsWith('/api/transactions') || path.startsWith('/api/mining') ? manager.token : adminToken() });
      assert.equal(answer.status, 400, `${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.match(JSON.stringify(answer.body), field, path);
    }
    const body = await http(port, 'POST', '/api/mining/start', { token: manager.token, json: { storeId, minUtility: 1e300 } });
    assert.equal(body.status, 400, JSON.stringify(body.body));
    assert.match(JSON.stringify(body.body), /minUtility must be a number from 0 to/);
  });

  test('a validly signed token without exp, or living a year, is refused; a normal one works', async () => {
    const now = Math.floor(Date.now() / 1000);
    // mint() stamps iat itself (now)
    const claims = { sub: manager.user.id, email: manager.user.email, role: 'store_manager', storeId };
    const noExp = await http(port, 'GET', '/api/auth/me', { token: stack.mint(claims) });
    assert.equal(noExp.status, 401);
    assert.match(JSON.stringify(noExp.body), /no expiry \(exp\)/);
    const year = await http(port, 'GET', '/api/auth/me', { token: stack.mint({ ...claims, exp: now + 365 * 86400 }) });
    assert.equal(year.status, 401);
    assert.match(JSON.stringify(year.body), /lifetime of 31536000 s is over the 3600 s/);
    const fine = await http(port, 'GET', '/api/auth/me', { token: stack.mint({ ...claims, exp: now + 600 }) });
    assert.equal(fine.status, 200, JSON.stringify(fine.body));
  });

  test('an upload over the limit is refused early, stores nothing, and the answer and the audit row say so', async () => {
    const store = uniqueId('too-large');
    assert.equal((await http(port, 'POST', '/api/stores', { token: adminToken(), json: { id: store, name: 'Too large' } })).status, 201);
    const body = spmfFile(80_000); // ~ 4x the limit
    assert.ok(body.length > 3 * UPLOAD_LIMIT);
    // announced by Content-Length: refused before the body is read
    const started = Date.now();
    const announced = await http(port, 'POST', '/api/transactions/upload', { token: adminToken(), form: uploadForm(store, body) });
    assert.equal(announced.status, 413, JSON.stringify(announced.body));
    assert.equal(announced.body.stored, 0);
    assert.match(announced.body.message, /over the 262144-byte upload limit; nothing was stored/);
    assert.ok(Date.now() - started < 5000);
    // streamed without Content-Length: cut at the limit while streaming
    const encoder = new TextEncoder();
    const stream = new ReadableStream({
      start(controller) {
        const boundary = '----tessera-hostile';
        controller.enqueue(encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="storeId"\r\n\r\n${store}\r\n--${boundary}\r\nContent-Disposition: form-data; name="format"\r\n\r\nspmf\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`));
        for (let at = 0; at < body.length; at += 16384) controller.enqueue(encoder.encode(body.slice(at, at + 16384)));
        controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
        controller.close();
      },
    });
    const response = await fetch(`http://127.0.0.1:${port}/api/transactions/upload`, { method: 'POST', body: stream, duplex: 'half', headers: { authorization: `Bearer ${adminToken()}`, 'content-type': 'multipart/form-data; boundary=----tessera-hostile' } } as RequestInit);
    const streamed = (await response.json()) as { stored?: number; message?: string };
    assert.equal(response.status, 413, JSON.stringify(streamed));
    assert.equal(streamed.stored, 0);
    assert.match(streamed.message!, /larger than the 262144-byte upload limit; nothing was stored/);
    // nothing stored, nothing left in staging
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await storedRows(store), 0);
    assert.equal(await stagedRows(store), 0);
    // the pre-checked refusal never read the store id; find its audit row by request id
    const byRequest = await http(port, 'GET', `/api/audit?action=transactions.upload&requestId=${announced.headers.get('x-request-id')}`, { token: adminToken() });
    const byStore = await http(port, 'GET', `/api/audit?action=transactions.upload&storeId=${store}&outcome=failure`, { token: adminToken() });
    const events = [...byRequest.body.events, ...byStore.body.events];
    assert.equal(events.length, 2, JSON.stringify(events));
    for (const event of events) {
      assert.equal(event.outcome, 'failure');
      assert.equal(event.details.stored, 0, JSON.stringify(event));
      assert.match(event.reason, /^413: .*nothing was stored/);
    }
    // a file within the limit is stored whole
    const fits = await http(port, 'POST', '/api/transactions/upload', { token: adminToken(), form: uploadForm(store, spmfFile(500)) });
    assert.equal(fits.status, 201, JSON.stringify(fits.body));
    assert.equal(await storedRows(store), 500);
    const partial = await http(port, 'POST', `/api/transactions/upload?mode=sometimes`, { token: adminToken(), form: uploadForm(store, spmfFile(5)) });
    assert.equal(partial.status, 400);
    assert.match(JSON.stringify(partial.body), /mode must be all-or-nothing or partial/);
  });

  test('an upload with too many form fields is a 400 saying so and stores nothing; a UTF-8 file name is kept as sent', async () => {
    const store = uniqueId('fields');
    assert.equal((await http(port, 'POST', '/api/stores', { token: adminToken(), json: { id: store, name: 'Fields' } })).status, 201);
    const crowded = new FormData();
    for (let i = 0; i < 300; i++) crowded.append(`f${i}`, 'x');
    crowded.append('storeId', store);
    crowded.append('file', new Blob([spmfFile(5)]), 'crowded.txt');
    const refused = await http(port, 'POST', '/api/transactions/upload', { token: adminToken(), form: crowded });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.match(refused.body.message, /too many form fields: at most 10/);
    assert.equal(await storedRows(store), 0);
    // storeId first, then the flood, then the file: refused just the same, and no upload is even started.
    const storeFirst = new FormData();
    storeFirst.append('storeId', store);
    for (let i = 0; i < 300; i++) storeFirst.append(`f${i}`, 'x');
    storeFirst.append('file', new Blob([spmfFile(5)]), 'crowded.txt');
    const refusedToo = await http(port, 'POST', '/api/transactions/upload', { token: adminToken(), form: storeFirst });
    assert.equal(refusedToo.status, 400, JSON.stringify(refusedToo.body));
    assert.match(refusedToo.body.message, /too many form fields/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await storedRows(store), 0);
    assert.equal((await pool.query('SELECT count(*)::int AS n FROM ingestion.files WHERE store_id = $1', [store])).rows[0].n, 0, 'no upload record');
    const named = new FormData();
    named.append('storeId', store);
    named.append('format', 'spmf');
    named.append('file', new Blob([spmfFile(5)]), 'Kassenbon März — 東京.txt');
    const stored = await http(port, 'POST', '/api/transactions/upload', { token: adminToken(), form: named });
    assert.equal(stored.status, 201, JSON.stringify(stored.body));
    assert.equal(stored.body.fileName, 'Kassenbon März — 東京.txt');
  });

  test('fuzz: random and adversarial requests on every route family answer 2xx or 4xx, and refused writes store nothing', async () => {
    const jobId = randomUUID();
    const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', ' ', '0', '-1', '1e400', '99999999999999999999', 'NaN', '%00', '../..', '__proto__', '{}', '[]', 'null', 'true', '😀', storeId, 'other-store'));
    const scalar = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), text, fc.constantFrom(1e308, -1e308, 2 ** 63, Number.MAX_SAFE_INTEGER + 2));
    const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(text, scalar, { maxKeys: 3 }));
    const body = fc.oneof(
      fc.dictionary(fc.oneof(text, fc.constantFrom('storeId', 'topK', 'minUtility', 'events', 'email', 'password', 'minClients', 'privacyBudget', 'name', 'id', 'regionId', 'itemsets', 'role')), value, { maxKeys: 6 }).map((o) => JSON.stringify({ storeId, ...o })),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 40 }),
      fc.constantFrom('{"a":', '{"storeId":"x","__proto__":{}}', '[' .repeat(200) + ']'.repeat(200), '{"storeId":"' + storeId + '","events":[{"lines":[{"constructor":1}]}]}', '\u0000', '{"a":1,"a":2}'),
    );
    const query = fc.dictionary(fc.constantFrom('storeId', 'offset', 'limit', 'minUtility', 'minConfidence', 'minLength', 'maxLength', 'sortBy', 'order', 'format', 'startDate', 'endDate', 'since', 'until', 'action', 'outcome', 'roundId', 'status', 'errorLimit', 'errorOffset', 'containsItem', 'mode'), text, { maxKeys: 4 });
    const routes: { method: string; path: string; kind: 'json' | 'query' | 'form' }[] = [
      { method: 'POST', path: '/api/mining/start', kind: 'json' },
      { method: 'GET', path: `/api/mining/jobs/${jobId}`, kind: 'query' },
      { method: 'GET', path: `/api/mining/results/${jobId}`, kind: 'query' },
      { method: 'POST', path: `/api/mining/jobs/${jobId}/cancel`, kind: 'json' },
      { method: 'POST', path: '/api/transactions/events', kind: 'json' },
      { method: 'GET', path: '/api/transactions', kind: 'query' },
      { method: 'GET', path: `/api/transactions/files/${jobId}`, kind: 'query' },
      { method: 'POST', path: '/api/transactions/upload', kind: 'form' },
      { method: 'POST', path: '/api/transactions/upload/preview', kind: 'form' },
      { method: 'GET', path: '/api/audit', kind: 'query' },
      { method: 'GET', path: '/api/federated/rounds', kind: 'query' },
      { method: 'GET', path: '/api/federated/global-patterns', kind: 'query' },
      { method: 'POST', path: '/api/federated/stores', kind: 'json' },
      { method: 'GET', path: '/api/privacy/budget', kind: 'query' },
      { method: 'GET', path: '/api/privacy/ledger', kind: 'query' },
      { method: 'POST', path: '/api/privacy/impact-preview', kind: 'json' },
      { method: 'POST', path: '/api/api-keys', kind: 'json' },
      { method: 'GET', path: '/api/api-keys', kind: 'query' },
      { method: 'POST', path: '/api/regions', kind: 'json' },
      { method: 'POST', path: '/api/stores', kind: 'json' },
      { method: 'POST', path: '/api/auth/login', kind: 'json' },
      { method: 'POST', path: '/api/auth/refresh', kind: 'json' },
      { method: 'POST', path: '/api/auth/password', kind: 'json' },
    ];
    const fileContent = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.array(fc.constantFrom('1 2:3:1 2', 'items,quantities,unit_utilities', 'A|B,1|2,3|4', '[{"items":["a"],"quantities":[1],"unit_utilities":[1e300]}]', '"', ',,,', '\r\n', '99999999999999999999:1:1'), { maxLength: 20 }).map((l) => l.join('\n')),
    );
    const format = fc.constantFrom('spmf', 'seed-csv', 'seed-json', 'lineitem-csv', 'bogus', '');
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, query, fileContent, format, fc.constantFrom('admin', 'manager'), async (route, json, params, file, fileFormat, who) => {
        const token = who === 'admin' ? adminToken() : manager.token;
        const search = new URLSearchParams({ storeId, ...params }).toString();
        const before = await storedRows(storeId);
        let answer: HttpAnswer;
        if (route.kind === 'form') {
          const form = new FormData();
          form.append('storeId', params.storeId ?? storeId);
          if (fileFormat) form.append('format', fileFormat);
          form.append('file', new Blob([file]), 'fuzz.txt');
          answer = await http(port, route.method, `${route.path}?${params.mode ? `mode=${encodeURIComponent(params.mode)}` : ''}`, { token, form });
        } else if (route.kind === 'query') answer = await http(port, route.method, `${route.path}?${search}`, { token });
        else answer = await raw(route.method, route.path, json, { authorization: `Bearer ${token}` });
        assert.ok(answer.status < 500, `${route.method} ${route.path} ${route.kind === 'json' ? json : search}: ${answer.status} ${JSON.stringify(answer.body)}`);
        if (answer.status >= 400 && route.method === 'POST') assert.equal(await storedRows(storeId), before, `a refused ${route.path} stored nothing`);
      }),
      { numRuns: 250, interruptAfterTimeLimit: 45_000 },
    );
    assert.ok(Date.now() - started < 60_000);
    assert.equal(await stagedRows(storeId), 0, 'nothing left in staging');
  });
});
