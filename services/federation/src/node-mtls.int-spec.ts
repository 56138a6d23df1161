import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createInProcessBus } from '@tessera/bus';
import { testDatabaseUrl, uniqueSchema } from '@tessera/db';
import { federationV1 } from '@tessera/proto';
import { ConfigError, writeTestPki, type RunningService, type TestPki } from '@tessera/common';
import { startPrivacyService } from '@tessera/privacy-service';
import { startFederationService, type FederationService } from './main';
import { certificateStoreOf, helloSigningBytes } from './rounds/node-registry';

/**
 * The hub's node port over mTLS with a throwaway consortium CA: a node joins only with a
 * certificate from that CA, and only as the store its certificate names.
 */
const prefix = uniqueSchema('fedtls');
const bus = createInProcessBus();
const running: RunningService[] = [];
const dir = mkdtempSync(join(tmpdir(), 'tessera-node-mtls-'));
let pki: TestPki;
let foreign: TestPki;
let federation: FederationService;
let coordinator: federationV1.FederationServiceClient;
const identities = new Map<string, KeyObject>();

const base = { DATABASE_URL: testDatabaseUrl(), BUS_DRIVER: 'memory', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0' };

function credentialsOf(node: { certFile: string; keyFile: string } | undefined, caFile = pki.caFile): grpc.ChannelCredentials {
  const ca = readFileSync(caFile);
  return node ? grpc.credentials.createSsl(ca, readFileSync(node.keyFile), readFileSync(node.certFile)) : grpc.credentials.createSsl(ca);
}

type Outcome = { welcomed: string } | { error: grpc.ServiceError };

/** Dials the node port, answers the challenge as `storeId` with its identity key, and reports the welcome or the error. */
function connectAs(credentials: grpc.ChannelCredentials, storeId: string): Promise<Outcome> {
  const client = new federationV1.FederationNodeServiceClient(`127.0.0.1:${federation.nodePort}`, credentials);
  return new Promise<Outcome>((resolve) => {
    const call = client.connect({ deadline: Date.now() + 15_000 });
    call.on('data', (response: federationV1.ConnectResponse) => {
      if (response.body?.$case === 'challenge') {
        const nonce = Buffer.from(response.body.value.nonce);
        call.write({ body: { $case: 'hello', value: { storeId, nonce, signature: sign(null, helloSigningBytes(storeId, nonce), identities.get(storeId)!) } } });
      } else if (response.body?.$case === 'welcome') {
        resolve({ welcomed: response.body.value.storeId });
        call.cancel();
      }
    });
    call.on('error', (error: grpc.ServiceError) => resolve({ error }));
  }).finally(() => client.close());
}

function enrol(storeId: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  identities.set(storeId, privateKey);
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return new Promise<void>((ok, fail) => coordinator.enrolStore({ storeId, identityPublicKey: raw }, (error) => (error ? fail(error) : ok())));
}

beforeAll(async () => {
  pki = await writeTestPki(join(dir, 'consortium'), { storeIds: ['store-a', 'store-b', 'store-c', 'store-d'] });
  foreign = await writeTestPki(join(dir, 'foreign'), { storeIds: ['store-a'], caName: 'Not the consortium' });
  federation = await startFederationService(
    { ...base, NODE_GRPC_PORT: '0', NODE_TLS_CA_FILE: pki.caFile, NODE_TLS_CERT_FILE: pki.hub.certFile, NODE_TLS_KEY_FILE: pki.hub.keyFile },
    { bus, schema: `${prefix}_federation` },
  );
  running.push(federation);
  coordinator = new federationV1.FederationServiceClient(`127.0.0.1:${federation.grpcPort}`, grpc.credentials.createInsecure());
  await enrol('store-a');
  await enrol('store-b');
});

afterAll(async () => {
  coordinator?.close();
  for (const service of running.reverse()) await service.close();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the hub node port over mTLS', () => {
  it('admits a node with a consortium certificate for its own store', async () => {
    const outcome = await connectAs(credentialsOf(pki.nodes['store-a']), 'store-a');
    assert.deepEqual(outcome, { welcomed: 'store-a' });
  });

  it('refuses a node whose certificate is for store A when it claims store B, even with B\'s identity key', async () => {
    const outcome = await connectAs(credentialsOf(pki.nodes['store-a']), 'store-b');
    assert.ok('error' in outcome, `expected a refusal, got ${JSON.stringify(outcome)}`);
    assert.equal(outcome.error.code, grpc.status.PERMISSION_DENIED);
    assert.match(outcome.error.details, /the client certificate is for store store-a; it cannot connect as store "store-b"/);
    assert.equal(federation.registry.isConnected('store-b'), false);
  });

  it('refuses a store that is not enrolled, with a certificate for it', async () => {
    identities.set('store-c', generateKeyPairSync('ed25519').privateKey);
    const outcome = await connectAs(credentialsOf(pki.nodes['store-c']), 'store-c');
    assert.ok('error' in outcome, `expected a refusal, got ${JSON.stringify(outcome)}`);
    assert.equal(outcome.error.code, grpc.status.UNAUTHENTICATED);
    assert.match(outcome.error.details, /store store-c is not enrolled/);
  });

  it("refuses the hub's own certificate presented as a client certificate (serverAuth only, and it names no store)", async () => {
    const outcome = await connectAs(credentialsOf(pki.hub), 'store-a');
    assert.ok('error' in outcome, `expected a refusal, got ${JSON.stringify(outcome)}`);
    assert.equal(outcome.error.code, grpc.status.UNAVAILABLE);
    assert.equal(federation.registry.isConnected('store-a'), false);
  });

  it('reads the store from the peer certificate, and says why when there is none', () => {
    const der = (file: string) => new X509Certificate(readFileSync(file)).raw;
    const context = (raw?: Buffer) => ({ getAuthContext: () => ({ transportSecurityType: raw ? 'ssl' : undefined, sslPeerCertificate: raw ? ({ raw } as PeerCertificate) : undefined }) });
    assert.deepEqual(certificateStoreOf(context(der(pki.nodes['store-b'].certFile))), { storeId: 'store-b' });
    const none = certificateStoreOf(context(der(pki.hub.certFile)));
    assert.ok('reason' in none);
    assert.match(none.reason, /the client certificate names no store/);
    const plain = certificateStoreOf(context());
    assert.ok('reason' in plain);
    assert.match(plain.reason, /presented no client certificate \(transport insecure\)/);
  });

  it('refuses a plaintext client', async () => {
    const outcome = await connectAs(grpc.credentials.createInsecure(), 'store-a');
    assert.ok('error' in outcome, `expected a refusal, got ${JSON.stringify(outcome)}`);
    assert.equal(outcome.error.code, grpc.status.UNAVAILABLE);
  });

  it('refuses a TLS client without a client certificate', async () => {
    const outcome = await connectAs(credentialsOf(undefined), 'store-a');
    assert.ok('error' in outcome, `expected a refusal, got ${JSON.stringify(outcome)}`);
    assert.equal(outcome.error.code, grpc.status.UNAVAILABLE);
  });

  it('refuses a certificate for the right store issued by another CA', async () => {
    const outcome = await connectAs(credentialsOf(foreign.nodes['store-a']), 'store-a');
    assert.ok('error' in outcome, `expected a refusal, got ${JSON.stringify(outcome)}`);
    assert.equal(outcome.error.code, grpc.status.UNAVAILABLE);
  });

  it('a node refuses a hub whose certificate is not from its consortium CA', async () => {
    const outcome = await connectAs(credentialsOf(pki.nodes['store-a'], foreign.caFile), 'store-a');
    assert.ok('error' in outcome, `expected a refusal, got ${JSON.stringify(outcome)}`);
    assert.equal(outcome.error.code, grpc.status.UNAVAILABLE);
  });

  it('serves the published global patterns to a node with a consortium certificate, and only the published ones', async () => {
    const client = new federationV1.FederationNodeServiceClient(`127.0.0.1:${federation.nodePort}`, credentialsOf(pki.nodes['store-b']));
    const list = (request: Partial<federationV1.ListPublishedPatternsRequest>) =>
      new Promise<federationV1.ListPublishedPatternsResponse>((ok, fail) => client.listPublishedPatterns(federationV1.ListPublishedPatternsRequest.fromPartial(request), (error, response) => (error ? fail(error) : ok(response))));
    try {
      const latest = await list({ limit: 10 });
      assert.equal(latest.round, undefined, 'no round has completed on this hub');
      assert.equal(latest.total, '0');
      await assert.rejects(list({ roundId: 'not-a-round' }), (error: grpc.ServiceError) => error.code === grpc.status.INVALID_ARGUMENT && /roundId "not-a-round" is not a round id/.test(error.details));
      await assert.rejects(list({ roundId: '00000000-0000-4000-8000-000000000000' }), (error: grpc.ServiceError) => error.code === grpc.status.NOT_FOUND);
    } finally {
      client.close();
    }
    const plain = new federationV1.FederationNodeServiceClient(`127.0.0.1:${federation.nodePort}`, grpc.credentials.createInsecure());
    try {
      await assert.rejects(
        new Promise((ok, fail) => plain.listPublishedPatterns(federationV1.ListPublishedPatternsRequest.fromPartial({}), (error, response) => (error ? fail(error) : ok(response)))),
        (error: grpc.ServiceError) => error.code === grpc.status.UNAVAILABLE,
      );
    } finally {
      plain.close();
    }
  });

  it("the privacy service's federated client joins over mTLS with one certificate per store", async () => {
    const privacy = await startPrivacyService(
      {
        ...base,
        FEDERATION_HUB_URL: `127.0.0.1:${federation.nodePort}`,
        FEDERATION_AUTO_ENROL_URL: `127.0.0.1:${federation.grpcPort}`,
        FEDERATION_STORE_IDS: 'store-c,store-d',
        NODE_TLS_CA_FILE: pki.caFile,
        NODE_TLS_CERT_FILE: join(pki.dir, 'nodes', '{storeId}', 'node.crt'),
        NODE_TLS_KEY_FILE: join(pki.dir, 'nodes', '{storeId}', 'node.key'),
      },
      { bus, schema: `${prefix}_privacy` },
    );
    running.push(privacy);
    const deadline = Date.now() + 20_000;
    while (!(federation.registry.isConnected('store-c') && federation.registry.isConnected('store-d')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      federation.registry.connected().filter((storeId) => storeId === 'store-c' || storeId === 'store-d'),
      ['store-c', 'store-d'],
    );
  });

  it('the privacy service will not start with a certificate for another store', async () => {
    await assert.rejects(
      startPrivacyService(
        { ...base, FEDERATION_HUB_URL: `127.0.0.1:${federation.nodePort}`, FEDERATION_STORE_IDS: 'store-b', NODE_TLS_CA_FILE: pki.caFile, NODE_TLS_CERT_FILE: pki.nodes['store-a'].certFile, NODE_TLS_KEY_FILE: pki.nodes['store-a'].keyFile },
        { bus, schema: `${prefix}_privacy2` },
      ),
      (error: unknown) => error instanceof ConfigError && /NODE_TLS_CERT_FILE: .* is the certificate of store store-a, but this node connects as store store-b/.test(error.message),
    );
  });

  it('the privacy service will not dial the hub in mTLS mode without certificate files', async () => {
    await assert.rejects(
      startPrivacyService({ ...base, FEDERATION_HUB_URL: `127.0.0.1:${federation.nodePort}`, FEDERATION_STORE_IDS: 'store-b' }, { bus, schema: `${prefix}_privacy3` }),
      (error: unknown) => error instanceof ConfigError && /NODE_TLS_CA_FILE: is required when NODE_TLS_MODE=mtls/.test(error.message),
    );
  });
});

describe('the hub in mTLS mode', () => {
  it('will not start without its certificate files', async () => {
    await assert.rejects(
      startFederationService({ ...base, NODE_GRPC_PORT: '0' }, { bus, schema: `${prefix}_federation2` }),
      (error: unknown) => error instanceof ConfigError && /NODE_TLS_CERT_FILE: is required when NODE_TLS_MODE=mtls/.test(error.message),
    );
  });
});
