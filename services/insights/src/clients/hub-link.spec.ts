import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ConfigError, loadNodeTls, nodeServerCredentials, writeTestPki, type TestPki } from '@tessera/common';
import { federationV1 } from '@tessera/proto';
import { insightsConfig } from '../insights.config';
import { FederationClient } from './grpc-clients';

/** A store node's insights read the published global patterns from the hub's node port over mTLS, not from the coordinator API. */
describe("store-node insights' link to the hub", () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-insights-hub-link-'));
  let pki: TestPki;
  let server: grpc.Server;
  let port: number;
  const seen: { roundId: string; limit: number }[] = [];

  beforeAll(async () => {
    pki = await writeTestPki(dir, { storeIds: ['store-a'] });
    server = new grpc.Server();
    server.addService(federationV1.FederationNodeServiceService, {
      connect: (stream: grpc.ServerDuplexStream<unknown, unknown>) => stream.end(),
      listPublishedPatterns: (call: grpc.ServerUnaryCall<federationV1.ListPublishedPatternsRequest, federationV1.ListPublishedPatternsResponse>, callback: grpc.sendUnaryData<federationV1.ListPublishedPatternsResponse>) => {
        seen.push({ roundId: call.request.roundId, limit: call.request.limit });
        const peer = call.getAuthContext()?.sslPeerCertificate;
        callback(null, federationV1.ListPublishedPatternsResponse.fromPartial({ total: '1', patterns: [{ items: ['a', 'b'], rank: 1 }], round: { roundId: String(peer?.subject?.CN ?? 'no certificate') } }));
      },
    });
    const tls = loadNodeTls('test hub', { NODE_TLS_MODE: 'mtls', NODE_TLS_CA_FILE: pki.caFile, NODE_TLS_CERT_FILE: pki.hub.certFile, NODE_TLS_KEY_FILE: pki.hub.keyFile });
    port = await new Promise<number>((ok, fail) => server.bindAsync('127.0.0.1:0', nodeServerCredentials(tls), (error, bound) => (error ? fail(error) : ok(bound))));
  });

  afterAll(() => {
    server?.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = (env: Record<string, string>) => insightsConfig.load({ DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused', FEDERATION_GRPC_URL: '127.0.0.1:1', ...env });

  it('in the store-node role, reads the global patterns from FEDERATION_HUB_URL with its client certificate', async () => {
    const client = new FederationClient(
      config({ INSIGHTS_ROLE: 'store-node', FEDERATION_HUB_URL: `127.0.0.1:${port}`, NODE_TLS_CA_FILE: pki.caFile, NODE_TLS_CERT_FILE: pki.nodes['store-a'].certFile, NODE_TLS_KEY_FILE: pki.nodes['store-a'].keyFile }),
    );
    try {
      const response = await client.listGlobalPatterns({ limit: 1000 });
      assert.equal(response.total, '1');
      assert.deepEqual(response.patterns.map((p) => p.items), [['a', 'b']]);
      assert.equal(response.round?.roundId, 'store-a', 'the hub saw the node certificate of store-a');
      assert.deepEqual(seen.at(-1), { roundId: '', limit: 1000 });
    } finally {
      client.onModuleDestroy();
    }
  });

  it('a store node without certificate files does not start (mTLS is the default)', () => {
    assert.throws(() => new FederationClient(config({ INSIGHTS_ROLE: 'store-node', FEDERATION_HUB_URL: `127.0.0.1:${port}` })), (error: unknown) => error instanceof ConfigError && /NODE_TLS_CA_FILE: is required when NODE_TLS_MODE=mtls/.test(error.message));
  });

  it('in plaintext mode the TLS hub refuses it', async () => {
    const client = new FederationClient(config({ INSIGHTS_ROLE: 'store-node', FEDERATION_HUB_URL: `127.0.0.1:${port}`, NODE_TLS_MODE: 'plaintext' }));
    try {
      await assert.rejects(client.listGlobalPatterns({}), (error: grpc.ServiceError) => error.code === grpc.status.UNAVAILABLE);
    } finally {
      client.onModuleDestroy();
    }
  });

  it('the hub role reads the coordinator API (FEDERATION_GRPC_URL), never the node port', async () => {
    const before = seen.length;
    const client = new FederationClient(config({ INSIGHTS_ROLE: 'hub', FEDERATION_HUB_URL: `127.0.0.1:${port}` }));
    try {
      assert.equal(client.node, undefined);
      await assert.rejects(client.listGlobalPatterns({}), (error: grpc.ServiceError) => error.code === grpc.status.UNAVAILABLE);
      assert.equal(seen.length, before);
    } finally {
      client.onModuleDestroy();
    }
  });
});
