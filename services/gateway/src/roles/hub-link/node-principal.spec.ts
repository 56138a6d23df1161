import assert from 'node:assert/strict';
import { HttpException } from '@nestjs/common';
import { createLogger } from '@tessera/common';
import type { ingestionV1 } from '@tessera/proto';
import { Downstream } from '../../clients/downstream';
import { CircuitBreakers } from '../../resilience/circuit-breakers';
import type { GatewayOptions } from '../../gateway.options';
import type { AccessClaims } from '../../access/principal.service';
import { HubUnreachableError, type HubAnswer, type HubLink, type HubRequest } from './hub-link';
import { NodePrincipalService, limitToNode, principalFromClaims, principalFromMe } from './node-principal.service';

const claims = (fields: Partial<AccessClaims> = {}): AccessClaims => ({ sub: 'u-1', iat: 1_700_000_000, email: 'm@shop.example', role: 'store_manager', storeId: 's1', ...fields });
const me = (fields: Record<string, unknown> = {}) => ({ user: { id: 'u-1', email: 'm@shop.example', role: 'store_manager', storeId: 's1', regionId: null, ...fields }, storeIds: ['s1'], allStores: false });
const status = (error: unknown) => (error instanceof HttpException ? error.getStatus() : undefined);

/** A hub that answers what the test says, or is unreachable. */
class FakeHub {
  answer: HubAnswer | 'down' = { status: 200, headers: {}, body: me() };
  readonly requests: HubRequest[] = [];
  url = 'http://hub.test';
  async request(request: HubRequest): Promise<HubAnswer> {
    this.requests.push(request);
    if (this.answer === 'down') throw new HubUnreachableError('connect ECONNREFUSED');
    return this.answer;
  }
}

function service(hub: FakeHub, ingestion: Partial<Record<'verifyApiKey', unknown>> = {}) {
  const downstream = new Downstream(new CircuitBreakers({ errorThresholdPercentage: 50, volumeThreshold: 100, resetTimeoutMs: 1000 }));
  return new NodePrincipalService(hub as unknown as HubLink, ['s1'], ingestion as unknown as ingestionV1.IngestionServiceClient, { principalCacheTtlMs: 0 } as GatewayOptions, createLogger('node-principal-spec', 'silent'), downstream);
}

describe('principals on a store node', () => {
  test("the hub's answer (GET /api/auth/me with the caller's token) is the principal while it is up", async () => {
    const hub = new FakeHub();
    const principal = await service(hub).forAccessToken(claims(), { token: 'tok-1', requestId: 'r-1' });
    assert.deepEqual([principal.id, principal.role, principal.storeIds], ['u-1', 'store_manager', ['s1']]);
    assert.deepEqual([hub.requests[0].path, hub.requests[0].token, hub.requests[0].requestId], ['/api/auth/me', 'tok-1', 'r-1']);
  });

  test('a token the hub refuses (deleted user, changed password) is refused here', async () => {
    const hub = new FakeHub();
    hub.answer = { status: 401, headers: {}, body: { message: 'this account no longer exists; sign in with another account' } };
    await assert.rejects(service(hub).forAccessToken(claims(), { token: 't' }), (error: unknown) => status(error) === 401 && /no longer exists/.test((error as Error).message));
  });

  test('hub unreachable: the last principal the hub gave for the user, else the verified token\'s own claims', async () => {
    const hub = new FakeHub();
    const node = service(hub);
    hub.answer = { status: 200, headers: {}, body: me({ regionId: 'north' }) };
    await node.forAccessToken(claims(), { token: 't1' });
    hub.answer = 'down';
    const remembered = await node.forAccessToken(claims(), { token: 't2' });
    assert.equal(remembered.regionId, 'north', 'what the hub said last');
    const fromToken = await node.forAccessToken(claims({ sub: 'u-2', email: 'other@shop.example' }), { token: 't3' });
    assert.deepEqual([fromToken.id, fromToken.email, fromToken.role, fromToken.storeIds], ['u-2', 'other@shop.example', 'store_manager', ['s1']]);
    const asked = hub.requests.length;
    await node.forAccessToken(claims(), { token: 't2b' });
    assert.equal(hub.requests.length, asked, 'right after a failure the hub is not asked again (no timeout per request)');
    await assert.rejects(node.forAccessToken(claims({ sub: 'u-4', role: 'superuser' }), { token: 't5' }), (error: unknown) => status(error) === 401);
    // A 5xx counts as unreachable too.
    const other = service(hub);
    hub.answer = { status: 503, headers: {}, body: {} };
    assert.equal((await other.forAccessToken(claims({ sub: 'u-3' }), { token: 't4' })).id, 'u-3');
  });

  test('NODE_STORE_IDS: a manager of another store is 403, whether the hub or the token says so', async () => {
    const hub = new FakeHub();
    hub.answer = { status: 200, headers: {}, body: me({ storeId: 's2' }) };
    await assert.rejects(service(hub).forAccessToken(claims({ storeId: 's2' }), { token: 't' }), (error: unknown) => status(error) === 403 && /this node serves store s1; you manage store s2/.test((error as Error).message));
    hub.answer = 'down';
    await assert.rejects(service(hub).forAccessToken(claims({ storeId: 's2' }), { token: 't' }), (error: unknown) => status(error) === 403);
  });

  test("API keys are verified by the node's ingestion service, for this node's stores only", async () => {
    const verify = (storeId: string) => ({
      verifyApiKey: (_request: unknown, _metadata: unknown, _options: unknown, callback: (error: null, response: unknown) => void) => callback(null, { apiKey: { id: 'k-1', prefix: 'tsk_ab', storeId, scopes: ['ingestion'] } }),
    });
    const key = await service(new FakeHub(), verify('s1')).forApiKey('tsk_abc');
    assert.deepEqual([key.kind, key.storeId, key.scopes], ['apiKey', 's1', ['ingestion']]);
    await assert.rejects(service(new FakeHub(), verify('s9')).forApiKey('tsk_abc'), (error: unknown) => status(error) === 403);
  });
});

describe('limitToNode, principalFromClaims, principalFromMe', () => {
  test("coordinators and admins reach this node's stores only; nobody reaching none of them gets in", () => {
    const coordinator = principalFromMe({ user: { id: 'c', email: 'c@x', role: 'regional_coordinator', regionId: 'north' }, storeIds: ['s1', 's2'], allStores: false })!;
    assert.deepEqual(limitToNode(coordinator, ['s1', 's3']).storeIds, ['s1']);
    assert.throws(() => limitToNode(coordinator, ['s9']), /none of which you reach/);
    const admin = principalFromClaims(claims({ role: 'admin', storeId: null }));
    assert.deepEqual([limitToNode(admin, ['s1', 's3']).storeIds, limitToNode(admin, ['s1']).allStores], [['s1', 's3'], false]);
    // Without the hub a coordinator's region is unknown: they reach nothing on the node.
    assert.throws(() => limitToNode(principalFromClaims(claims({ role: 'regional_coordinator', storeId: null })), ['s1']), /none of which you reach/);
    assert.equal(principalFromMe({ user: { id: 'x', role: 'root' } }), undefined);
  });
});
