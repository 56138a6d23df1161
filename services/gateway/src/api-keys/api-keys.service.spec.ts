import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { HttpException } from '@nestjs/common';
import type { ingestionV1 } from '@tessera/proto';
import { AuthPrincipalService } from '../access/principal.service';
import type { AuthClient } from '../clients/auth.client';
import { Downstream } from '../clients/downstream';
import type { GatewayOptions } from '../gateway.options';
import type { Caller } from '../http/caller';
import { CircuitBreakers } from '../resilience/circuit-breakers';
import { ApiKeysService } from './api-keys.service';

const stored: ingestionV1.StoreApiKey = { id: 'k-1', storeId: 's1', name: 'till 1', prefix: 'tsk_abcdefgh', scopes: ['ingestion'], createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'u-1', lastUsedAt: '', revokedAt: '' };

/** A fake IngestionService client: records each API-key call and answers `answers[rpc]` (an error is sent as the call's failure). */
function fakeIngestion(answers: Record<string, unknown>) {
  const calls: { rpc: string; request: unknown }[] = [];
  const rpc = (name: string) => (request: unknown, _metadata: grpc.Metadata, _options: unknown, callback: (error: unknown, response: unknown) => void) => {
    calls.push({ rpc: name, request });
    const answer = answers[name];
    if (answer instanceof Error) callback(answer, undefined);
    else callback(null, answer);
    return {} as grpc.ClientUnaryCall;
  };
  const client = { createApiKey: rpc('createApiKey'), listApiKeys: rpc('listApiKeys'), revokeApiKey: rpc('revokeApiKey'), verifyApiKey: rpc('verifyApiKey') } as unknown as ingestionV1.IngestionServiceClient;
  return { client, calls };
}

const downstream = () => new Downstream(new CircuitBreakers({ errorThresholdPercentage: 50, volumeThreshold: 100, resetTimeoutMs: 1000 }));

function caller(principal: Caller['principal'], visibleStores: string[] | undefined): Caller & { recorded: string[] } {
  const recorded: string[] = [];
  return { requestId: 'r-1', principal, context: {} as Caller['context'], visibleStores, recordStore: (storeId) => recorded.push(storeId), recorded };
}

const manager = caller({ kind: 'user', id: 'u-1', email: 'm@shop.example', role: 'store_manager', storeId: 's1', storeIds: ['s1'], allStores: false }, ['s1']);
const admin = caller({ kind: 'user', id: 'u-9', email: 'a@shop.example', role: 'admin', storeIds: [], allStores: true }, undefined);

describe('ApiKeysService: API keys are the store node’s (ingestion), not the auth service’s', () => {
  it('creates through ingestion with the ingestion scope and who created it, and returns the key once', async () => {
    const { client, calls } = fakeIngestion({ createApiKey: { apiKey: stored, key: 'tsk_secret' } });
    const answer = await new ApiKeysService(client, downstream()).create('s1', 'till 1', manager);
    assert.deepEqual(calls, [{ rpc: 'createApiKey', request: { storeId: 's1', name: 'till 1', scopes: ['ingestion'], createdBy: 'u-1' } }]);
    assert.equal(answer.key, 'tsk_secret');
    assert.deepEqual(answer.apiKey, { ...stored, lastUsedAt: null, revokedAt: null });
  });

  it('revokes with the caller’s stores (an admin: all) and records the key’s store for the audit row', async () => {
    const { client, calls } = fakeIngestion({ revokeApiKey: { apiKey: { ...stored, revokedAt: '2026-01-02T00:00:00.000Z' } } });
    const service = new ApiKeysService(client, downstream());
    assert.equal((await service.revoke('k-1', manager)).apiKey.revokedAt, '2026-01-02T00:00:00.000Z');
    await service.revoke('k-1', admin);
    assert.deepEqual(calls.map((c) => c.request), [
      { apiKeyId: 'k-1', storeIds: ['s1'], allStores: false },
      { apiKeyId: 'k-1', storeIds: [], allStores: true },
    ]);
    assert.deepEqual(manager.recorded, ['s1']);
  });

  it('a key of another store is 403 from the node, and an API key may not revoke', async () => {
    const denied = Object.assign(new Error('this API key belongs to store s2, which you do not manage'), { code: grpc.status.PERMISSION_DENIED, details: 'this API key belongs to store s2, which you do not manage' });
    const { client, calls } = fakeIngestion({ revokeApiKey: denied });
    const service = new ApiKeysService(client, downstream());
    await assert.rejects(service.revoke('k-2', manager), (error: HttpException) => error.getStatus() === 403 && /belongs to store s2/.test(JSON.stringify(error.getResponse())));
    const key = caller({ kind: 'apiKey', id: 'k-1', prefix: 'tsk_abcdefgh', storeId: 's1', scopes: ['ingestion'] }, ['s1']);
    await assert.rejects(service.revoke('k-1', key), (error: HttpException) => error.getStatus() === 403);
    assert.equal(calls.length, 1, 'the API key caller never reached the node');
  });
});

describe('AuthPrincipalService.forApiKey: verified by ingestion, cached, never by the auth service', () => {
  it('asks ingestion once per key within the cache time; an unknown key is 401', async () => {
    const { client, calls } = fakeIngestion({ verifyApiKey: { apiKey: stored } });
    const auth = { call: () => assert.fail('the auth service was asked') } as unknown as AuthClient;
    const principals = new AuthPrincipalService(auth, { principalCacheTtlMs: 60_000 } as GatewayOptions, downstream(), client);
    const expected = { kind: 'apiKey', id: 'k-1', prefix: 'tsk_abcdefgh', storeId: 's1', scopes: ['ingestion'] };
    assert.deepEqual(await principals.forApiKey('tsk_key-one', 'r-1'), expected);
    assert.deepEqual(await principals.forApiKey('tsk_key-one', 'r-2'), expected);
    assert.deepEqual(calls, [{ rpc: 'verifyApiKey', request: { key: 'tsk_key-one' } }]);

    const unknown = Object.assign(new Error('API key not recognised'), { code: grpc.status.UNAUTHENTICATED, details: 'API key not recognised' });
    const refusing = fakeIngestion({ verifyApiKey: unknown });
    const strict = new AuthPrincipalService(auth, { principalCacheTtlMs: 60_000 } as GatewayOptions, downstream(), refusing.client);
    await assert.rejects(strict.forApiKey('tsk_nope'), (error: HttpException) => error.getStatus() === 401);
  });
});

describe('AuthPrincipalService on the hub (no ingestion client)', () => {
  it('refuses every API key with 401 and says where keys belong', async () => {
    const auth = { call: () => assert.fail('the auth service was asked') } as unknown as AuthClient;
    const hub = new AuthPrincipalService(auth, { principalCacheTtlMs: 60_000 } as GatewayOptions, downstream());
    await assert.rejects(hub.forApiKey('tsk_anything'), (error: HttpException) => error.getStatus() === 401 && /store's own gateway/.test(JSON.stringify(error.getResponse())));
  });
});
