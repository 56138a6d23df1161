/**
 * Accounts and sessions through the gateway, end to end across processes: refresh-token
 * rotation and reuse, lockout with backoff, API keys limited to their store's ingestion,
 * password changes, the audit log (each write exactly once, no secrets), and a circuit
 * breaker answering 503 when a service goes away.
 */
import assert from 'node:assert/strict';
import { uniqueId } from './support/infra';
import { createAndLogin, http, startAuthStack, type AuthStack } from './support/auth-stack';
import { waitFor } from './support/processes';

let stack: AuthStack;
let port: number;
const region = uniqueId('flows-region');
const storeA = uniqueId('flows-a');
const storeB = uniqueId('flows-b');

const admin = () => stack.admin.session.token;

describe('accounts, sessions, API keys and audit through the gateway', () => {
  jest.setTimeout(10 * 60_000);
  beforeAll(async () => {
    stack = await startAuthStack({
      authEnv: { LOCKOUT_THRESHOLD: '3', LOCKOUT_BASE_SECONDS: '2', LOCKOUT_MAX_SECONDS: '8' },
      gatewayEnv: { PRINCIPAL_CACHE_TTL_MS: '0', CIRCUIT_MIN_CALLS: '3', CIRCUIT_RESET_SECONDS: '30' },
    });
    port = stack.port;
    for (const [path, json] of [
      ['/api/regions', { id: region, name: 'Flows' }],
      ['/api/stores', { id: storeA, name: 'A', regionId: region }],
      ['/api/stores', { id: storeB, name: 'B' }],
    ] as const) {
      const answer = await http(port, 'POST', path, { token: admin(), json });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
    }
  });

  afterAll(async () => {
    await stack?.close();
  });

  test('login answers the seed shape: token, user with role and store, plus a refresh token', async () => {
    const manager = await createAndLogin(stack, { role: 'store_manager', storeId: storeA });
    const answer = await http(port, 'POST', '/api/auth/login', { json: { email: manager.user.email.toUpperCase(), password: manager.password } });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.tokenType, 'Bearer');
    assert.equal(answer.body.user.role, 'store_manager');
    assert.equal(answer.body.user.store.id, storeA);
    assert.match(answer.body.refreshToken, /^tsr_/);
    const claims = JSON.parse(Buffer.from(answer.body.token.split('.')[1], 'base64url').toString());
    assert.deepEqual(Object.keys(claims).filter((k) => ['sub', 'email', 'role', 'storeId', 'iat', 'exp'].includes(k)).sort(), ['email', 'exp', 'iat', 'role', 'storeId', 'sub']);
    const me = await http(port, 'GET', '/api/auth/me', { token: answer.body.token });
    assert.deepEqual(me.body.storeIds, [storeA]);
    const invalid = await http(port, 'POST', '/api/auth/login', { json: { email: manager.user.email } });
    assert.equal(invalid.status, 400);
    assert.match(JSON.stringify(invalid.body), /password/);
  });

  test('refresh rotates; reusing a spent refresh token revokes the whole family', async () => {
    const user = await createAndLogin(stack, { role: 'regional_coordinator', regionId: region });
    const first = await http(port, 'POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } });
    assert.equal(first.status, 200);
    const second = await http(port, 'POST', '/api/auth/refresh', { json: { refreshToken: first.body.refreshToken } });
    assert.equal(second.status, 200);
    assert.equal((await http(port, 'GET', '/api/auth/me', { token: second.body.token })).status, 200, 'the new access token works');

    const replay = await http(port, 'POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } });
    assert.equal(replay.status, 401);
    assert.match(replay.body.message, /already used/);
    const latest = await http(port, 'POST', '/api/auth/refresh', { json: { refreshToken: second.body.refreshToken } });
    assert.equal(latest.status, 401, 'the newest token of the family is dead too');
  });

  test('logout ends the session for good', async () => {
    const user = await createAndLogin(stack, { role: 'admin' });
    const out = await http(port, 'POST', '/api/auth/logout', { token: user.token, json: { refreshToken: user.refreshToken } });
    assert.equal(out.status, 200);
    assert.equal(out.body.revoked, 1);
    assert.equal((await http(port, 'POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } })).status, 401);
  });

  test('lockout engages after 3 failures (429 with Retry-After, even for the right password) and releases after its backoff', async () => {
    const user = await createAndLogin(stack, { role: 'store_manager', storeId: storeA });
    const attempt = (password: string) => http(port, 'POST', '/api/auth/login', { json: { email: user.user.email, password } });
    assert.equal((await attempt('wrong password one')).status, 401);
    assert.equal((await attempt('wrong password two')).status, 401);
    const locked = await attempt('wrong password three');
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get('retry-after'), '2');
    assert.match(locked.body.message, /too many failed sign-ins/);
    assert.equal((await attempt(user.password)).status, 429, 'the right password waits too');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    assert.equal((await attempt(user.password)).status, 200, 'released');
  });

  test('API keys: shown once, work only for their store and only for ingestion, and stop when revoked', async () => {
    const manager = await createAndLogin(stack, { role: 'store_manager', storeId: storeA });
    const created = await http(port, 'POST', '/api/api-keys', { token: manager.token, json: { storeId: storeA, name: 'till 1' } });
    assert.equal(created.status, 201);
    const key: string = created.body.key;
    const listed = await http(port, 'GET', `/api/api-keys?storeId=${storeA}`, { token: manager.token });
    assert.ok(!JSON.stringify(listed.body).includes(key), 'the key is never shown again');
    assert.ok(listed.body.apiKeys.some((k: { id: string; prefix: string }) => k.id === created.body.apiKey.id && key.startsWith(k.prefix)));

    const transactionId = uniqueId('pos');
    const event = (storeId: string) => ({ storeId, events: [{ transactionId, storeId, occurredAt: '2024-05-01T09:00:00Z', lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: 3.5 }] }] });
    const posted = await http(port, 'POST', '/api/transactions/events', { apiKey: key, json: event(storeA) });
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    assert.equal(posted.body.stored, 1);
    const asBearer = await http(port, 'POST', '/api/transactions/events', { headers: { authorization: `Bearer ${key}` }, json: event(storeA) });
    assert.equal(asBearer.status, 200, 'Authorization: Bearer tsk_… works as well');
    assert.equal(asBearer.body.duplicates, 1);
    const listedTransactions = await http(port, 'GET', `/api/transactions?storeId=${storeA}`, { token: manager.token });
    assert.ok(listedTransactions.body.transactions.some((t: { transactionId: string }) => t.transactionId === transactionId));

    assert.equal((await http(port, 'POST', '/api/transactions/events', { apiKey: key, json: event(storeB) })).status, 403, 'not for another store');
    assert.equal((await http(port, 'GET', `/api/transactions?storeId=${storeA}`, { apiKey: key })).status, 403, 'not for reading');
    assert.equal((await http(port, 'POST', '/api/api-keys', { apiKey: key, json: { storeId: storeA, name: 'more' } })).status, 403, 'not for minting keys');

    assert.equal((await http(port, 'DELETE', `/api/api-keys/${created.body.apiKey.id}`, { token: manager.token })).status, 200);
    const revoked = await http(port, 'POST', '/api/transactions/events', { apiKey: key, json: event(storeA) });
    assert.equal(revoked.status, 401);
    assert.match(revoked.body.message, /revoked/);
    assert.equal((await http(port, 'POST', '/api/transactions/events', { apiKey: 'tsk_made-up-key', json: event(storeA) })).status, 401);
  });

  test('a password change refuses older access tokens and ends sessions', async () => {
    const user = await createAndLogin(stack, { role: 'store_manager', storeId: storeA });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // tokens carry whole seconds
    const changed = await http(port, 'POST', '/api/auth/password', { token: user.token, json: { currentPassword: user.password, newPassword: 'a fresh long passphrase' } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const old = await http(port, 'GET', '/api/auth/me', { token: user.token });
    assert.equal(old.status, 401);
    assert.match(old.body.message, /before the password was changed/);
    assert.equal((await http(port, 'POST', '/api/auth/refresh', { json: { refreshToken: user.refreshToken } })).status, 401);
    assert.equal((await stack.login(user.user.email, 'a fresh long passphrase')).user.id, user.user.id);
  });

  test('the audit log records each write exactly once, with who, from where and the outcome, and no secrets', async () => {
    const manager = await createAndLogin(stack, { role: 'store_manager', storeId: storeA });
    const rid = (name: string) => `${name}-${uniqueId('rid')}`;
    const writes: { requestId: string; action: string; outcome: string; call: (headers: Record<string, string>) => Promise<{ status: number; body: any }> }[] = [];
    const add = (name: string, action: string, outcome: string, call: (headers: Record<string, string>) => Promise<{ status: number; body: any }>) => writes.push({ requestId: rid(name), action, outcome, call });
    const secrets: string[] = [manager.password, manager.refreshToken, manager.token];
    let keyId = '';
    let newUserId = '';
    let refreshed = '';
    add('login', 'session.login', 'success', (headers) => http(port, 'POST', '/api/auth/login', { headers, json: { email: manager.user.email, password: manager.password } }).then((a) => ((refreshed = a.body.refreshToken), secrets.push(a.body.token, a.body.refreshToken), a)));
    add('bad-login', 'session.login', 'failure', (headers) => http(port, 'POST', '/api/auth/login', { headers, json: { email: manager.user.email, password: 'not my password at all' } }));
    add('refresh', 'session.refresh', 'success', (headers) => http(port, 'POST', '/api/auth/refresh', { headers, json: { refreshToken: refreshed } }).then((a) => (secrets.push(a.body.refreshToken), a)));
    add('region', 'region.create', 'success', (headers) => http(port, 'POST', '/api/regions', { headers, token: admin(), json: { id: uniqueId('audit-region'), name: 'Audit' } }));
    add('store', 'store.create', 'success', (headers) => http(port, 'POST', '/api/stores', { headers, token: admin(), json: { id: uniqueId('audit-store'), name: 'Audit' } }));
    add('store-again', 'store.create', 'failure', (headers) => http(port, 'POST', '/api/stores', { headers, token: admin(), json: { id: storeA, name: 'Again' } }));
    add('user', 'user.create', 'success', (headers) => http(port, 'POST', '/api/users', { headers, token: admin(), json: { email: `${uniqueId('audited')}@e2e.example`, role: 'store_manager', storeId: storeA } }).then((a) => ((newUserId = a.body.user.id), secrets.push(a.body.password), a)));
    add('user-denied', 'user.create', 'denied', (headers) => http(port, 'POST', '/api/users', { headers, token: manager.token, json: { email: `${uniqueId('nope')}@e2e.example`, role: 'admin' } }));
    add('user-delete', 'user.delete', 'success', (headers) => http(port, 'DELETE', `/api/users/${newUserId}`, { headers, token: admin() }));
    add('key', 'api_key.create', 'success', (headers) => http(port, 'POST', '/api/api-keys', { headers, token: manager.token, json: { storeId: storeA, name: 'audit' } }).then((a) => ((keyId = a.body.apiKey.id), secrets.push(a.body.key), a)));
    add('key-denied', 'api_key.create', 'denied', (headers) => http(port, 'POST', '/api/api-keys', { headers, token: manager.token, json: { storeId: storeB, name: 'audit' } }));
    add('key-revoke', 'api_key.revoke', 'success', (headers) => http(port, 'DELETE', `/api/api-keys/${keyId}`, { headers, token: manager.token }));
    const form = () => {
      const f = new FormData();
      f.append('storeId', storeA);
      f.append('file', new Blob(['items,quantities,unit_utilities\nA|B,1|2,1.5|2.25\n']), 'audit.csv');
      return f;
    };
    add('upload', 'transactions.upload', 'success', (headers) => http(port, 'POST', '/api/transactions/upload', { headers, token: manager.token, form: form() }));
    add('events', 'transactions.events', 'success', (headers) =>
      http(port, 'POST', '/api/transactions/events', { headers, token: manager.token, json: { storeId: storeA, events: [{ transactionId: uniqueId('audit-t'), storeId: storeA, occurredAt: '2024-05-01T09:00:00Z', customerId: 'customer-secret-42', lines: [{ sku: 'SKU-SECRET', quantity: 1, unitPrice: 9.99 }] }] } }),
    );
    add('events-denied', 'transactions.events', 'denied', (headers) => http(port, 'POST', '/api/transactions/events', { headers, token: manager.token, json: { storeId: storeB, events: [{}] } }));
    add('logout', 'session.logout', 'success', (headers) => http(port, 'POST', '/api/auth/logout', { headers, token: manager.token, json: { refreshToken: manager.refreshToken } }));
    add('password', 'user.change_password', 'failure', (headers) => http(port, 'POST', '/api/auth/password', { headers, token: manager.token, json: { currentPassword: 'wrong current', newPassword: 'another long passphrase' } }));

    for (const write of writes) {
      const answer = await write.call({ 'x-request-id': write.requestId });
      assert.ok(answer.status < 500, `${write.requestId}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    for (const write of writes) {
      const audit = await http(port, 'GET', `/api/audit?requestId=${write.requestId}`, { token: admin() });
      assert.equal(audit.status, 200);
      assert.equal(audit.body.events.length, 1, `${write.requestId}: exactly one audit entry (got ${JSON.stringify(audit.body.events)})`);
      const [event] = audit.body.events;
      assert.equal(event.action, write.action, write.requestId);
      assert.equal(event.outcome, write.outcome, write.requestId);
      assert.ok(event.occurredAt && event.ip, `${write.requestId}: when and from where`);
    }
    const upload = (await http(port, 'GET', `/api/audit?requestId=${writes.find((w) => w.action === 'transactions.upload')!.requestId}`, { token: admin() })).body.events[0];
    assert.equal(upload.actor.id, manager.user.id);
    assert.equal(upload.storeId, storeA);
    assert.equal(upload.details.transactionCount, 1);

    const everything = JSON.stringify((await http(port, 'GET', '/api/audit?limit=1000', { token: admin() })).body);
    for (const secret of secrets.filter(Boolean)) assert.ok(!everything.includes(secret), 'no password, token or key in the audit log');
    assert.ok(!everything.includes('customer-secret-42') && !everything.includes('SKU-SECRET'), 'no transaction content in the audit log');
  });

  test('request ids travel to the services and come back', async () => {
    const answer = await http(port, 'GET', '/api/auth/me', { token: admin(), headers: { 'x-request-id': 'trace-me-123' } });
    assert.equal(answer.headers.get('x-request-id'), 'trace-me-123');
  });

  test('security headers and strict CORS', async () => {
    const answer = await http(port, 'GET', '/health');
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
    assert.match(answer.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const preflight = await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null, 'no origin is allowed unless configured');
    const big = await http(port, 'POST', '/api/auth/login', { json: { email: 'x@y.example', password: 'p'.repeat(2 * 1024 * 1024) } });
    assert.equal(big.status, 413);
  });

  test('when ingestion goes away: 503 with a clear message, then the circuit opens and fails fast', async () => {
    const manager = await createAndLogin(stack, { role: 'store_manager', storeId: storeA });
    await stack.ingestion.kill();
    const first = await http(port, 'GET', `/api/transactions?storeId=${storeA}`, { token: manager.token });
    assert.equal(first.status, 503);
    assert.match(first.body.message, /ingestion service is unavailable/);
    const open = await waitFor('the ingestion circuit to open', async () => {
      const answer = await http(port, 'GET', `/api/transactions?storeId=${storeA}`, { token: manager.token });
      return answer.status === 503 && /circuit is open/.test(answer.body.message) ? answer : undefined;
    }, 20_000);
    assert.equal(open.headers.get('retry-after'), '30');
    // One store node's outage must not take the whole API out of the load balancer: the
    // gateway stays ready (it needs only auth) and the breaker answers for that service.
    assert.equal((await http(port, 'GET', '/health/ready')).status, 200, 'the gateway stays ready without ingestion');
    assert.equal((await http(port, 'GET', '/api/auth/me', { token: manager.token })).status, 200, "auth's circuit is separate and closed");
  });
});
