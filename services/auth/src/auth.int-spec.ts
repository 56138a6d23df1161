/**
 * The auth service as it runs (gRPC, migrations, real Postgres): sign-in, lockout,
 * refresh rotation with reuse detection, API keys, deletion, and the audit log.
 */
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import jwt from 'jsonwebtoken';
import { Pool } from 'pg';
import { testDatabaseUrl, uniqueSchema } from '@tessera/db';
import { authV1 } from '@tessera/proto';
import { startAuthService, type AuthService } from './main';
import { generateSigningKey } from './tokens/signing-keys';

const schema = uniqueSchema('auth');
const signingKey = generateSigningKey('int-test');
let service: AuthService;
let client: authV1.AuthServiceClient;
let pool: Pool;

type Method<Req, Res> = (request: Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: (error: grpc.ServiceError | null, response: Res) => void) => grpc.ClientUnaryCall;
function call<Req, Res>(method: Method<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, request, new grpc.Metadata(), {}, (error, response) => (error ? reject(error) : resolve(response))));
}
async function failure(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  assert.fail('expected the call to fail');
}

const admin: authV1.Actor = { type: authV1.ActorType.ACTOR_TYPE_USER, id: '00000000-0000-4000-8000-000000000001', email: 'root@test.example', role: authV1.Role.ROLE_ADMIN, storeId: '' };
const ctx = (actor: authV1.Actor, requestId = `req-${Math.random().toString(36).slice(2)}`): authV1.RequestContext => ({ actor, ip: '203.0.113.7', userAgent: 'int-test', requestId });
const PASSWORD = 'violet granite orbit kettle';

async function createManager(storeId: string, email = `manager-${Math.random().toString(36).slice(2)}@shop.example`) {
  const created = await call(client.createUser, { email, role: authV1.Role.ROLE_STORE_MANAGER, storeId, regionId: '', password: PASSWORD, context: ctx(admin) });
  return created.user!;
}
const login = (email: string, password = PASSWORD) => call(client.login, { email, password, context: ctx({ type: authV1.ActorType.ACTOR_TYPE_ANONYMOUS, id: '', email: '', role: 0, storeId: '' }) });
const refresh = (refreshToken: string) => call(client.refresh, { refreshToken, context: ctx({ type: authV1.ActorType.ACTOR_TYPE_ANONYMOUS, id: '', email: '', role: 0, storeId: '' }) });

describe('auth service over gRPC on real Postgres', () => {
  beforeAll(async () => {
    service = await startAuthService(
      {
        DATABASE_URL: testDatabaseUrl(),
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        GRPC_PORT: '0',
        LOG_LEVEL: 'silent',
        JWT_SIGNING_KEYS: JSON.stringify([signingKey]),
        LOCKOUT_THRESHOLD: '3',
        LOCKOUT_BASE_SECONDS: '1',
        LOCKOUT_MAX_SECONDS: '4',
        BOOTSTRAP_ADMIN_EMAIL: 'first-admin@test.example',
        BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap admin passphrase',
      },
      { schema },
    );
    client = new authV1.AuthServiceClient(`127.0.0.1:${service.grpcPort}`, grpc.credentials.createInsecure());
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
    await call(client.createRegion, { id: 'north', name: 'North', context: ctx(admin) });
    for (const [id, region] of [['store-a', 'north'], ['store-b', 'north'], ['store-c', '']]) await call(client.createStore, { id, name: id, regionId: region, context: ctx(admin) });
  });

  afterAll(async () => {
    client?.close();
    await service?.close();
    await pool?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await pool?.end();
  });

  test('the bootstrap admin from configuration can sign in', async () => {
    const session = await login('first-admin@test.example', 'bootstrap admin passphrase');
    assert.equal(session.user!.role, authV1.Role.ROLE_ADMIN);
  });

  test('sign-in answers an ES256 access token with the seed claims, a refresh token, and the user with role and store', async () => {
    const manager = await createManager('store-a', 'Ana.Manager@Shop.example');
    assert.equal(manager.email, 'ana.manager@shop.example', 'emails are stored lowercased');
    const session = await login('ANA.manager@shop.example');
    const decoded = jwt.decode(session.tokens!.accessToken, { complete: true })!;
    assert.equal(decoded.header.alg, 'ES256');
    assert.equal(decoded.header.kid, 'int-test');
    const claims = decoded.payload as Record<string, unknown>;
    assert.equal(claims.sub, manager.id);
    assert.equal(claims.email, 'ana.manager@shop.example');
    assert.equal(claims.role, 'store_manager');
    assert.equal(claims.storeId, 'store-a');
    assert.equal((claims.exp as number) - (claims.iat as number), 900);
    assert.match(session.tokens!.refreshToken, /^tsr_/);
    assert.equal(session.user!.store!.id, 'store-a');
  });

  test('a wrong password and an unknown email get the same answer', async () => {
    await createManager('store-a', 'same-answer@shop.example');
    const wrong = await failure(login('same-answer@shop.example', 'not the password at all'));
    const unknown = await failure(login('nobody-here@shop.example', 'not the password at all'));
    assert.equal(wrong.code, grpc.status.UNAUTHENTICATED);
    assert.equal(unknown.code, grpc.status.UNAUTHENTICATED);
    assert.equal(wrong.details, unknown.details);
  });

  test('lockout engages after 3 failures, refuses even the right password, and releases after its backoff', async () => {
    const email = 'locked-out@shop.example';
    await createManager('store-a', email);
    for (let i = 0; i < 2; i++) assert.equal((await failure(login(email, 'wrong password number ' + i))).code, grpc.status.UNAUTHENTICATED);
    const third = await failure(login(email, 'wrong password number 3'));
    assert.equal(third.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.match(third.details, /try again in 1 s/);
    assert.equal(third.metadata.get('retry-after')[0], '1');
    const refused = await failure(login(email));
    assert.equal(refused.code, grpc.status.RESOURCE_EXHAUSTED, 'the right password is refused while locked');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const session = await login(email);
    assert.ok(session.tokens!.accessToken, 'released after the backoff');
    // A success clears the count: two new failures do not lock again.
    for (let i = 0; i < 2; i++) assert.equal((await failure(login(email, 'wrong again ' + i))).code, grpc.status.UNAUTHENTICATED);
    // Unknown emails lock the same way, so a lockout does not reveal which emails exist.
    for (let i = 0; i < 2; i++) await failure(login('ghost@shop.example', 'x-wrong-password-' + i));
    assert.equal((await failure(login('ghost@shop.example', 'x-wrong-password-3'))).code, grpc.status.RESOURCE_EXHAUSTED);
  });

  test('refresh rotates the token; presenting a spent one revokes the whole family but not other sessions', async () => {
    const email = 'rotating@shop.example';
    await createManager('store-b', email);
    const first = await login(email);
    const other = await login(email);
    const second = await refresh(first.tokens!.refreshToken);
    assert.notEqual(second.tokens!.refreshToken, first.tokens!.refreshToken);
    assert.ok(second.tokens!.accessToken);
    const third = await refresh(second.tokens!.refreshToken);

    const reuse = await failure(refresh(first.tokens!.refreshToken));
    assert.equal(reuse.code, grpc.status.UNAUTHENTICATED);
    assert.match(reuse.details, /already used.*every session of that sign-in has been ended/);
    const descendant = await failure(refresh(third.tokens!.refreshToken));
    assert.equal(descendant.code, grpc.status.UNAUTHENTICATED, 'the newest token of the family is revoked too');
    assert.match(descendant.details, /session has ended/);
    const unaffected = await refresh(other.tokens!.refreshToken);
    assert.ok(unaffected.tokens!.refreshToken, 'the other sign-in is a different family');
  });

  test('two concurrent refreshes with one token: one wins, and the family is revoked', async () => {
    const email = 'racing@shop.example';
    await createManager('store-b', email);
    const session = await login(email);
    const results = await Promise.allSettled([refresh(session.tokens!.refreshToken), refresh(session.tokens!.refreshToken)]);
    const won = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<authV1.RefreshResponse>[];
    assert.equal(won.length, 1);
    assert.equal((await failure(refresh(won[0].value.tokens!.refreshToken))).code, grpc.status.UNAUTHENTICATED);
  });

  test('logout ends the session; a different user cannot end it', async () => {
    const owner = await createManager('store-a');
    const intruder = await createManager('store-a');
    const session = await login(owner.email);
    const asIntruder = ctx({ type: authV1.ActorType.ACTOR_TYPE_USER, id: intruder.id, email: intruder.email, role: authV1.Role.ROLE_STORE_MANAGER, storeId: 'store-a' });
    assert.equal((await failure(call(client.logout, { refreshToken: session.tokens!.refreshToken, context: asIntruder }))).code, grpc.status.PERMISSION_DENIED);
    const asOwner = ctx({ type: authV1.ActorType.ACTOR_TYPE_USER, id: owner.id, email: owner.email, role: authV1.Role.ROLE_STORE_MANAGER, storeId: 'store-a' });
    assert.equal((await call(client.logout, { refreshToken: session.tokens!.refreshToken, context: asOwner })).revoked, 1);
    assert.equal((await failure(refresh(session.tokens!.refreshToken))).code, grpc.status.UNAUTHENTICATED);
  });

  test("a coordinator's principal holds the region's stores; an admin's all stores", async () => {
    const coordinator = await call(client.createUser, { email: 'north-lead@shop.example', role: authV1.Role.ROLE_REGIONAL_COORDINATOR, storeId: '', regionId: 'north', password: '', context: ctx(admin) });
    assert.match(coordinator.generatedPassword, /^[A-Za-z2-9]{20}$/, 'a generated password is returned once');
    const principal = await call(client.getPrincipal, { userId: coordinator.user!.id });
    assert.deepEqual(principal.storeIds, ['store-a', 'store-b']);
    assert.equal(principal.allStores, false);
    const firstAdmin = await login('first-admin@test.example', 'bootstrap admin passphrase');
    const adminPrincipal = await call(client.getPrincipal, { userId: firstAdmin.user!.id });
    assert.equal(adminPrincipal.allStores, true);
  });

  test('account rules: role scope, registered store, unique email, admin only', async () => {
    const bad = await failure(call(client.createUser, { email: 'x@shop.example', role: authV1.Role.ROLE_STORE_MANAGER, storeId: 'store-nowhere', regionId: '', password: '', context: ctx(admin) }));
    assert.equal(bad.code, grpc.status.NOT_FOUND);
    assert.match(bad.details, /store store-nowhere is not registered/);
    await createManager('store-c', 'dup@shop.example');
    assert.equal((await failure(createManager('store-c', 'DUP@shop.example'))).code, grpc.status.ALREADY_EXISTS);
    const weak = await failure(call(client.createUser, { email: 'weak@shop.example', role: authV1.Role.ROLE_ADMIN, storeId: '', regionId: '', password: 'short', context: ctx(admin) }));
    assert.equal(weak.code, grpc.status.INVALID_ARGUMENT);
    assert.match(weak.details, /at least 12 characters/);
    const manager = await createManager('store-c');
    const asManager = ctx({ type: authV1.ActorType.ACTOR_TYPE_USER, id: manager.id, email: manager.email, role: authV1.Role.ROLE_STORE_MANAGER, storeId: 'store-c' });
    const denied = await failure(call(client.createUser, { email: 'y@shop.example', role: authV1.Role.ROLE_ADMIN, storeId: '', regionId: '', password: '', context: asManager }));
    assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
  });

  test('API keys: a manager creates them for their own store only; they verify until revoked; the secret is never stored', async () => {
    const manager = await createManager('store-a');
    const asManager = ctx({ type: authV1.ActorType.ACTOR_TYPE_USER, id: manager.id, email: manager.email, role: authV1.Role.ROLE_STORE_MANAGER, storeId: 'store-a' });
    const created = await call(client.createApiKey, { storeId: 'store-a', name: 'till 1', context: asManager });
    assert.match(created.key, /^tsk_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(created.apiKey!.scopes, ['ingestion']);
    assert.ok(created.key.startsWith(created.apiKey!.prefix));
    const other = await failure(call(client.createApiKey, { storeId: 'store-b', name: 'not mine', context: asManager }));
    assert.equal(other.code, grpc.status.PERMISSION_DENIED);
    assert.match(other.details, /you manage store store-a, not store-b/);

    const verified = await call(client.verifyApiKey, { key: created.key });
    assert.equal(verified.apiKey!.storeId, 'store-a');
    const { rows } = await pool.query(`SELECT key_hash FROM "${schema}".api_keys WHERE id = $1`, [created.apiKey!.id]);
    assert.notEqual(rows[0].key_hash, created.key);
    assert.match(rows[0].key_hash, /^[0-9a-f]{64}$/);

    const listed = await call(client.listApiKeys, { storeId: 'store-a', context: asManager });
    assert.ok(listed.apiKeys.some((k) => k.id === created.apiKey!.id));
    const otherManager = await createManager('store-b');
    const asOther = ctx({ type: authV1.ActorType.ACTOR_TYPE_USER, id: otherManager.id, email: otherManager.email, role: authV1.Role.ROLE_STORE_MANAGER, storeId: 'store-b' });
    assert.equal((await failure(call(client.revokeApiKey, { apiKeyId: created.apiKey!.id, context: asOther }))).code, grpc.status.PERMISSION_DENIED);
    await call(client.revokeApiKey, { apiKeyId: created.apiKey!.id, context: asManager });
    const revoked = await failure(call(client.verifyApiKey, { key: created.key }));
    assert.equal(revoked.code, grpc.status.UNAUTHENTICATED);
    assert.match(revoked.details, /was revoked/);
    assert.equal((await failure(call(client.verifyApiKey, { key: created.key.slice(0, -2) + 'xx' }))).code, grpc.status.UNAUTHENTICATED);
  });

  test('deleting a user ends their sessions and makes them unknown to the gateway', async () => {
    const manager = await createManager('store-b');
    const session = await login(manager.email);
    await call(client.deleteUser, { userId: manager.id, context: ctx(admin) });
    assert.equal((await failure(call(client.getPrincipal, { userId: manager.id }))).code, grpc.status.NOT_FOUND);
    assert.equal((await failure(refresh(session.tokens!.refreshToken))).code, grpc.status.UNAUTHENTICATED);
    assert.equal((await failure(login(manager.email))).code, grpc.status.UNAUTHENTICATED);
  });

  test('changing the password revokes sessions and moves tokens_valid_after', async () => {
    const manager = await createManager('store-a');
    const session = await login(manager.email);
    const before = await call(client.getPrincipal, { userId: manager.id });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const asManager = ctx({ type: authV1.ActorType.ACTOR_TYPE_USER, id: manager.id, email: manager.email, role: authV1.Role.ROLE_STORE_MANAGER, storeId: 'store-a' });
    assert.equal((await failure(call(client.changePassword, { currentPassword: 'wrong current one', newPassword: 'a brand new passphrase', context: asManager }))).code, grpc.status.UNAUTHENTICATED);
    await call(client.changePassword, { currentPassword: PASSWORD, newPassword: 'a brand new passphrase', context: asManager });
    const afterChange = await call(client.getPrincipal, { userId: manager.id });
    assert.ok(new Date(afterChange.tokensValidAfter) > new Date(before.tokensValidAfter));
    assert.equal((await failure(refresh(session.tokens!.refreshToken))).code, grpc.status.UNAUTHENTICATED);
    assert.ok((await login(manager.email, 'a brand new passphrase')).tokens);
  });

  test('every write is audited exactly once, with who, from where and the outcome, and no secrets', async () => {
    const requestIds = { store: 'audit-store', user: 'audit-user', key: 'audit-key', denied: 'audit-denied', failed: 'audit-failed' };
    await call(client.createStore, { id: 'store-audit', name: 'Audit', regionId: '', context: ctx(admin, requestIds.store) });
    const created = await call(client.createUser, { email: 'audited@shop.example', role: authV1.Role.ROLE_STORE_MANAGER, storeId: 'store-audit', regionId: '', password: '', context: ctx(admin, requestIds.user) });
    const asManager = ctx({ type: authV1.ActorType.ACTOR_TYPE_USER, id: created.user!.id, email: created.user!.email, role: authV1.Role.ROLE_STORE_MANAGER, storeId: 'store-audit' }, requestIds.key);
    const key = await call(client.createApiKey, { storeId: 'store-audit', name: 'pos', context: asManager });
    await failure(call(client.createApiKey, { storeId: 'store-a', name: 'pos', context: { ...asManager, requestId: requestIds.denied } }));
    await failure(call(client.createStore, { id: 'store-audit', name: 'again', regionId: '', context: ctx(admin, requestIds.failed) }));

    for (const [name, requestId] of Object.entries(requestIds)) {
      const { events } = await call(client.listAuditEvents, { action: '', actorId: '', storeId: '', requestId, outcome: 0, since: '', until: '', limit: 10, offset: 0 });
      assert.equal(events.length, 1, `${name}: exactly one audit row for request ${requestId}`);
    }
    const byRequest = async (requestId: string) => (await call(client.listAuditEvents, { action: '', actorId: '', storeId: '', requestId, outcome: 0, since: '', until: '', limit: 10, offset: 0 })).events[0];
    const userEvent = await byRequest(requestIds.user);
    assert.equal(userEvent.action, 'user.create');
    assert.equal(userEvent.outcome, authV1.AuditOutcome.AUDIT_OUTCOME_SUCCESS);
    assert.equal(userEvent.actor!.id, admin.id);
    assert.equal(userEvent.ip, '203.0.113.7');
    assert.equal((await byRequest(requestIds.denied)).outcome, authV1.AuditOutcome.AUDIT_OUTCOME_DENIED);
    assert.equal((await byRequest(requestIds.failed)).outcome, authV1.AuditOutcome.AUDIT_OUTCOME_FAILURE);

    const { rows } = await pool.query(`SELECT details::text, reason FROM "${schema}".audit_events`);
    const everything = JSON.stringify(rows);
    assert.ok(!everything.includes(created.generatedPassword), 'no generated password in the log');
    assert.ok(!everything.includes(key.key), 'no API key in the log');
    assert.ok(!everything.includes(PASSWORD));
    assert.doesNotMatch(everything, /tsr_|scrypt\$/);
  });

  test('sign-ins are audited, including failures, with the attempted email', async () => {
    await failure(login('audit-login@shop.example', 'some wrong password'));
    const { events } = await call(client.listAuditEvents, { action: 'session.login', actorId: '', storeId: '', requestId: '', outcome: authV1.AuditOutcome.AUDIT_OUTCOME_FAILURE, since: '', until: '', limit: 1000, offset: 0 });
    const event = events.find((e) => e.actor!.email === 'audit-login@shop.example');
    assert.ok(event);
    assert.equal(event.actor!.type, authV1.ActorType.ACTOR_TYPE_ANONYMOUS);
    assert.match(event.reason, /email or password is incorrect/);
  });

  test('the audit log lists newest first, by numeric id, and pages', async () => {
    const page = await call(client.listAuditEvents, { action: '', actorId: '', storeId: '', requestId: '', outcome: 0, since: '', until: '', limit: 15, offset: 0 });
    assert.ok(Number(page.total) >= 15);
    const ids = page.events.map((e) => Number(e.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
    const { rows } = await pool.query(`SELECT max(id)::int AS newest FROM "${schema}".audit_events`);
    assert.equal(ids[0], rows[0].newest, 'the newest row comes first');
    const next = await call(client.listAuditEvents, { action: '', actorId: '', storeId: '', requestId: '', outcome: 0, since: '', until: '', limit: 5, offset: 15 });
    assert.ok(Number(next.events[0].id) < ids.at(-1)!);
  });

  test('the audit table is append-only in the database itself', async () => {
    await assert.rejects(pool.query(`UPDATE "${schema}".audit_events SET action = 'x.y'`), /append-only/);
    await assert.rejects(pool.query(`DELETE FROM "${schema}".audit_events`), /append-only/);
    await assert.rejects(pool.query(`TRUNCATE "${schema}".audit_events`), /append-only/);
  });

  test('a gateway-reported write is recorded once; its details are sanitised', async () => {
    const asKey: authV1.Actor = { type: authV1.ActorType.ACTOR_TYPE_API_KEY, id: 'k-1', email: '', role: 0, storeId: 'store-a' };
    const { id } = await call(client.recordAuditEvent, {
      context: ctx(asKey, 'forwarded-1'),
      action: 'transactions.events',
      targetType: 'store',
      targetId: 'store-a',
      storeId: 'store-a',
      outcome: authV1.AuditOutcome.AUDIT_OUTCOME_SUCCESS,
      reason: '',
      detailsJson: JSON.stringify({ stored: 3, events: [{ sku: 'A', customerId: 'c-1' }], apiKey: 'tsk_x' }),
    });
    assert.ok(id);
    const { events } = await call(client.listAuditEvents, { action: '', actorId: '', storeId: '', requestId: 'forwarded-1', outcome: 0, since: '', until: '', limit: 10, offset: 0 });
    assert.equal(events.length, 1);
    assert.deepEqual(JSON.parse(events[0].detailsJson), { stored: 3 });
    assert.equal((await failure(call(client.recordAuditEvent, { context: ctx(asKey), action: 'nonsense', targetType: '', targetId: '', storeId: '', outcome: 1, reason: '', detailsJson: '' }))).code, grpc.status.INVALID_ARGUMENT);
  });
});

test('boot refuses a bootstrap admin without a password, naming the variable', async () => {
  const bootSchema = uniqueSchema('auth');
  await assert.rejects(
    startAuthService(
      { DATABASE_URL: testDatabaseUrl(), HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', LOG_LEVEL: 'silent', JWT_SIGNING_KEYS: JSON.stringify([signingKey]), BOOTSTRAP_ADMIN_EMAIL: 'x@test.example' },
      { schema: bootSchema },
    ),
    /BOOTSTRAP_ADMIN_PASSWORD is not; there is no default password/,
  );
  const cleanup = new Pool({ connectionString: testDatabaseUrl(), max: 1 });
  await cleanup.query(`DROP SCHEMA IF EXISTS "${bootSchema}" CASCADE`);
  await cleanup.end();
});

test('boot refuses a missing signing key with the command that makes one', async () => {
  await assert.rejects(startAuthService({ DATABASE_URL: testDatabaseUrl(), LOG_LEVEL: 'silent' }), /JWT_SIGNING_KEYS: is required/);
});
