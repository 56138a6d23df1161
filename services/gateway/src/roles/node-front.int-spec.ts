/**
 * The hub gateway's node front over real mutual TLS: a throwaway consortium CA (openssl), the
 * hub's server certificate, a store node's client certificate, and one from another CA. The
 * hub-role gateway runs in-process; the store node's side is its HubLink and HubKeys.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as https from 'node:https';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, createLogger, loadNodeTls, type NodeTls } from '@tessera/common';
import { startGatewayService, type GatewayService } from '../main';
import { HubLink, HubUnreachableError } from './hub-link/hub-link';
import { HubKeys } from './hub-link/hub-keys';

const dir = mkdtempSync(join(tmpdir(), 'tessera-node-front-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

function ca(name: string) {
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  openssl('req', '-x509', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-days', '1', '-out', `${name}.pem`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
}

function issue(caName: string, name: string, extensions: string) {
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-days', '1', '-out', `${name}.pem`, '-extfile', `${name}.ext`);
}

const tlsOf = (caName: string, name: string): NodeTls =>
  loadNodeTls('gateway', { NODE_TLS_MODE: 'mtls', NODE_TLS_CA_FILE: join(dir, `${caName}.pem`), NODE_TLS_CERT_FILE: join(dir, `${name}.pem`), NODE_TLS_KEY_FILE: join(dir, `${name}.key`) });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const logger = createLogger('node-front-spec', 'silent');
let hub: GatewayService;
let hubUrl: string;

describe("the hub's node front: HTTPS with client certificates from the consortium CA", () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  beforeAll(async () => {
    ca('consortium');
    ca('rogue');
    issue('consortium', 'hub', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    issue('consortium', 'store-a', 'subjectAltName=URI:urn:tessera:store:store-a\nextendedKeyUsage=clientAuth\n');
    issue('rogue', 'intruder', 'subjectAltName=URI:urn:tessera:store:store-a\nextendedKeyUsage=clientAuth\n');
    const nodeApiPort = await freePort();
    hub = await startGatewayService({
      GATEWAY_ROLE: 'hub',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      NODE_API_PORT: String(nodeApiPort),
      NODE_TLS_CA_FILE: join(dir, 'consortium.pem'),
      NODE_TLS_CERT_FILE: join(dir, 'hub.pem'),
      NODE_TLS_KEY_FILE: join(dir, 'hub.key'),
      JWT_VERIFY_KEYS: JSON.stringify([{ ...publicKey.export({ format: 'jwk' }), kid: 'node-front-spec' }]),
      AUTH_GRPC_URL: '127.0.0.1:1',
      RATE_LIMIT_DRIVER: 'memory',
      RATE_LIMIT_PER_IP: '3',
      LOG_LEVEL: 'silent',
    });
    assert.equal(hub.nodeApiPort, nodeApiPort);
    hubUrl = `https://127.0.0.1:${nodeApiPort}`;
  });

  afterAll(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a store node with the consortium's client certificate fetches the verify keys; administration is not on the node front", async () => {
    const link = new HubLink(hubUrl, tlsOf('consortium', 'store-a'), 3000);
    try {
      const keys = await link.request({ method: 'GET', path: '/api/auth/keys' });
      assert.equal(keys.status, 200);
      assert.deepEqual((keys.body as { keys: { kid: string }[] }).keys.map((key) => key.kid), ['node-front-spec']);
      assert.equal((await link.request({ method: 'GET', path: '/api/users' })).status, 404);
      assert.equal((await link.request({ method: 'POST', path: '/api/stores', json: { id: 'x', name: 'x' } })).status, 404, 'only the methods a node uses');
      assert.equal((await link.request({ method: 'GET', path: '/health/live' })).status, 200);
    } finally {
      link.close();
    }
  });

  test('without a client certificate, or with one from another CA, the TLS handshake is refused', async () => {
    // It trusts the consortium CA for the server's certificate, but presents none of its own.
    const consortiumCa = readFileSync(join(dir, 'consortium.pem'));
    const anonymous = await new Promise<string>((resolve) => {
      const request = https.get(`${hubUrl}/api/auth/keys`, { ca: consortiumCa, agent: false }, (response) => resolve(`answered ${response.statusCode}`));
      request.on('error', (error) => resolve(`refused: ${error.message}`));
    });
    assert.match(anonymous, /^refused/, anonymous);
    const rogue = tlsOf('rogue', 'intruder') as Extract<NodeTls, { mode: 'mtls' }>;
    // It trusts the consortium CA for the server, but presents a certificate the hub does not trust.
    const intruder = new HubLink(hubUrl, { ...rogue, ca: consortiumCa }, 3000);
    await assert.rejects(intruder.request({ method: 'GET', path: '/api/auth/keys' }), HubUnreachableError);
    intruder.close();
    // The hub's main port (behind the ingress) is plain HTTP and unaffected.
    const main = await fetch(`http://127.0.0.1:${hub.httpPort}/api/auth/keys`);
    assert.equal(main.status, 200);
  });

  test('HubKeys: fetched over mTLS and kept in the cache file; a later outage keeps them, and a new node reads them from the file', async () => {
    const cacheFile = join(dir, 'cache', 'hub-keys.json');
    const link = new HubLink(hubUrl, tlsOf('consortium', 'store-a'), 3000);
    const keys = new HubKeys(link, { cacheFile, refreshMs: 60_000 }, logger);
    await keys.start();
    assert.ok(await keys.keyFor('node-front-spec'));
    assert.ok(existsSync(cacheFile));
    keys.stop();
    link.close();
    const unreachable = new HubLink('https://127.0.0.1:1', tlsOf('consortium', 'store-a'), 500);
    const restarted = new HubKeys(unreachable, { cacheFile, refreshMs: 60_000 }, logger);
    await restarted.start();
    assert.ok(await restarted.keyFor('node-front-spec'), 'from the file, with the hub unreachable');
    assert.equal(await restarted.keyFor('unknown-kid'), undefined);
    restarted.stop();
    unreachable.close();
  });

  test("the hub counts a node's callers by the address the node names (X-Forwarded-For), not as one node", async () => {
    const link = new HubLink(hubUrl, tlsOf('consortium', 'store-a'), 3000);
    try {
      const statuses = async (forwardedFor: string, times: number) => {
        const out: number[] = [];
        for (let i = 0; i < times; i++) out.push((await link.request({ method: 'GET', path: '/api/auth/keys', forwardedFor })).status);
        return out;
      };
      assert.deepEqual(await statuses('203.0.113.7', 4), [200, 200, 200, 429], 'one user: the per-IP limit (3) applies');
      assert.deepEqual(await statuses('203.0.113.8', 2), [200, 200], 'another user of the same node has their own');
    } finally {
      link.close();
    }
  });

  test('with NODE_TLS_MODE=mtls the hub link must be https', () => {
    assert.throws(() => new HubLink('http://127.0.0.1:8443', tlsOf('consortium', 'store-a'), 1000), (error: unknown) => error instanceof ConfigError && /HUB_URL/.test(error.message));
  });
});
