/**
 * Rate limits are shared by gateway replicas: two gateway processes on one Redis, hit in
 * turn, refuse the request after the limit counted across both (each alone would have
 * allowed twice as many), with 429 and Retry-After.
 */
import assert from 'node:assert/strict';
import { uniqueId } from './support/infra';
import { createAndLogin, http, startAuthStack, type AuthStack } from './support/auth-stack';

let stack: AuthStack;
const USER_LIMIT = 8;
const KEY_LIMIT = 6;
const IP_LIMIT = 40;

describe('rate limits across two gateway processes sharing one Redis', () => {
  jest.setTimeout(5 * 60_000);
  beforeAll(async () => {
    stack = await startAuthStack({
      gateways: 2,
      gatewayEnv: { RATE_LIMIT_PER_USER: String(USER_LIMIT), RATE_LIMIT_PER_API_KEY: String(KEY_LIMIT), RATE_LIMIT_PER_IP: String(IP_LIMIT), RATE_LIMIT_WINDOW_SECONDS: '60' },
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const ports = () => stack.gateways.map((g) => g.httpPort);

  test('per user: the limit holds across both gateways', async () => {
    const user = await createAndLogin(stack, { role: 'admin' });
    const statuses: number[] = [];
    for (let i = 0; i < USER_LIMIT + 2; i++) statuses.push((await http(ports()[i % 2], 'GET', '/api/auth/me', { token: user.token })).status);
    assert.deepEqual(statuses, [...Array(USER_LIMIT).fill(200), 429, 429], 'the 9th request overall is refused, on whichever gateway');
    const refused = await http(ports()[0], 'GET', '/api/auth/me', { token: user.token });
    assert.equal(refused.status, 429);
    assert.match(refused.body.message, new RegExp(`rate limit of ${USER_LIMIT} requests per 60 s reached for your account`));
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 120, `Retry-After ${retryAfter}`);
    const other = await createAndLogin(stack, { role: 'admin' });
    assert.equal((await http(ports()[1], 'GET', '/api/auth/me', { token: other.token })).status, 200, 'another user has their own budget');
  });

  test('per API key: the limit holds across both gateways', async () => {
    const storeId = uniqueId('rl-store');
    assert.equal((await http(ports()[0], 'POST', '/api/stores', { token: stack.admin.session.token, json: { id: storeId, name: 'RL' } })).status, 201);
    const key = (await http(ports()[0], 'POST', '/api/api-keys', { token: stack.admin.session.token, json: { storeId, name: 'rl' } })).body.key;
    const statuses: number[] = [];
    for (let i = 0; i < KEY_LIMIT + 1; i++) {
      const answer = await http(ports()[i % 2], 'POST', '/api/transactions/events', { apiKey: key, json: { storeId, events: [{ transactionId: `t-${i}`, storeId, occurredAt: '2024-01-01T00:00:00Z', lines: [{ sku: 'A', quantity: 1, unitPrice: 1 }] }] } });
      statuses.push(answer.status);
    }
    assert.deepEqual(statuses, [...Array(KEY_LIMIT).fill(200), 429]);
  });

  test('per IP, before authentication: floods of bad tokens are limited too', async () => {
    // Every request so far came from 127.0.0.1; count what is left of the IP budget with bad tokens.
    const statuses: number[] = [];
    for (let i = 0; i < IP_LIMIT + 1 && statuses.at(-1) !== 429; i++) statuses.push((await http(ports()[i % 2], 'GET', '/api/auth/me', { token: 'not-a-token' })).status);
    assert.equal(statuses.at(-1), 429, `the IP limit engaged after ${statuses.length} requests`);
    assert.ok(statuses.slice(0, -1).every((status) => status === 401));
    const refused = await http(ports()[1], 'POST', '/api/auth/login', { json: { email: 'a@b.example', password: 'whatever password' } });
    assert.equal(refused.status, 429, 'sign-in attempts from the same IP are limited too');
    assert.match(refused.body.message, /for this IP address/);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal((await http(ports()[0], 'GET', '/health/live')).status, 200, 'probes are never limited');
  });
});
