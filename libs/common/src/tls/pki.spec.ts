import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../config/define-config';
import { loadNodeTls } from './node-tls';
import { createConsortiumCa, issueHubCertificate, issueNodeCertificate, storeIdOfCertificate, writeTestPki, type KeyAndCertificate } from './pki';

describe('consortium PKI', () => {
  let ca: KeyAndCertificate;
  let otherCa: KeyAndCertificate;
  beforeAll(async () => {
    ca = await createConsortiumCa({ name: 'Test consortium' });
    otherCa = await createConsortiumCa({ name: 'Someone else' });
  });

  it('creates a self-signed CA certificate with an ECDSA P-256 key', () => {
    const cert = new X509Certificate(ca.certPem);
    assert.equal(cert.ca, true);
    assert.equal(cert.subject, 'CN=Test consortium');
    assert.equal(cert.verify(cert.publicKey), true);
    const key = createPrivateKey(ca.keyPem);
    assert.equal(key.asymmetricKeyType, 'ec');
    assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });

  it('issues a node certificate that verifies against the CA and names its store', async () => {
    const node = await issueNodeCertificate(ca, { storeId: 'store-paris' });
    const cert = new X509Certificate(node.certPem);
    const caCert = new X509Certificate(ca.certPem);
    assert.equal(cert.checkIssued(caCert), true);
    assert.equal(cert.verify(caCert.publicKey), true);
    assert.equal(cert.ca, false);
    assert.equal(cert.subject, 'CN=store-paris');
    assert.equal(cert.subjectAltName, 'URI:urn:tessera:store:store-paris');
    assert.deepEqual([...(cert.keyUsage ?? [])], ['1.3.6.1.5.5.7.3.2']);
    assert.equal(storeIdOfCertificate(node.certPem), 'store-paris');
    assert.equal(storeIdOfCertificate(cert), 'store-paris');
    assert.equal(storeIdOfCertificate(cert.raw), 'store-paris');
    assert.equal(cert.checkPrivateKey(createPrivateKey(node.keyPem)), true);
    const days = (new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / 86_400_000;
    assert.equal(Math.round(days), 397);
  });

  it('a certificate from another CA does not verify against ours', async () => {
    const foreign = new X509Certificate((await issueNodeCertificate(otherCa, { storeId: 'store-paris' })).certPem);
    const caCert = new X509Certificate(ca.certPem);
    assert.equal(foreign.verify(caCert.publicKey), false);
    assert.equal(foreign.checkIssued(caCert), false);
  });

  it('issues a hub certificate for DNS names and IP addresses, serverAuth, with no store id', async () => {
    const hub = new X509Certificate((await issueHubCertificate(ca, { hosts: ['hub.example.org', '10.0.0.7', 'localhost'], days: 30 })).certPem);
    assert.equal(hub.verify(new X509Certificate(ca.certPem).publicKey), true);
    assert.equal(hub.subjectAltName, 'DNS:hub.example.org, IP Address:10.0.0.7, DNS:localhost');
    assert.deepEqual([...(hub.keyUsage ?? [])], ['1.3.6.1.5.5.7.3.1']);
    assert.equal(hub.checkHost('hub.example.org'), 'hub.example.org');
    assert.equal(hub.checkIP('10.0.0.7'), '10.0.0.7');
    assert.equal(storeIdOfCertificate(hub), undefined);
  });

  it('refuses bad store ids, hosts and non-CA issuers', async () => {
    await assert.rejects(issueNodeCertificate(ca, { storeId: 'a,b' }), /storeId "a,b" is not a valid store id/);
    await assert.rejects(issueNodeCertificate(ca, { storeId: '' }), /not a valid store id/);
    await assert.rejects(issueHubCertificate(ca, { hosts: [] }), /at least one/);
    await assert.rejects(issueHubCertificate(ca, { hosts: ['bad host'] }), /"bad host" is neither/);
    const leaf = await issueNodeCertificate(ca, { storeId: 's1' });
    await assert.rejects(issueNodeCertificate(leaf, { storeId: 's2' }), /is not a CA/);
    await assert.rejects(issueNodeCertificate(ca, { storeId: 's1', days: 0 }), /days must be/);
  });

  it('storeIdOfCertificate is undefined for garbage', () => {
    assert.equal(storeIdOfCertificate('not a certificate'), undefined);
    assert.equal(storeIdOfCertificate(ca.certPem), undefined);
  });

  it('writeTestPki writes a CA, a hub and one node certificate per store, keys mode 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-pki-'));
    try {
      const pki = await writeTestPki(dir, { storeIds: ['s-a', 's-b'] });
      const caCert = new X509Certificate(readFileSync(pki.caFile));
      for (const storeId of ['s-a', 's-b']) {
        const cert = new X509Certificate(readFileSync(pki.nodes[storeId].certFile));
        assert.equal(cert.verify(caCert.publicKey), true);
        assert.equal(storeIdOfCertificate(cert), storeId);
        assert.equal(statSync(pki.nodes[storeId].keyFile).mode & 0o777, 0o600);
      }
      const hub = new X509Certificate(readFileSync(pki.hub.certFile));
      assert.equal(hub.checkIP('127.0.0.1'), '127.0.0.1');
      assert.equal(hub.checkHost('localhost'), 'localhost');
      assert.equal(statSync(pki.hub.keyFile).mode & 0o777, 0o600);
      assert.equal(statSync(pki.caKeyFile).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fills {storeId} in the certificate paths with the store it is given, and names the variable when it has none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-pki-placeholder-'));
    try {
      const pki = await writeTestPki(dir, { storeIds: ['store-a', 'store-b'] });
      const config = { NODE_TLS_MODE: 'mtls' as const, NODE_TLS_CA_FILE: pki.caFile, NODE_TLS_CERT_FILE: join(dir, 'nodes', '{storeId}', 'node.crt'), NODE_TLS_KEY_FILE: join(dir, 'nodes', '{storeId}', 'node.key') };
      const tls = loadNodeTls('gateway', config, 'store-b');
      assert.equal(tls.mode, 'mtls');
      assert.equal(storeIdOfCertificate(tls.mode === 'mtls' ? tls.cert : Buffer.alloc(0)), 'store-b');
      assert.throws(
        () => loadNodeTls('insights', config),
        (error: unknown) => error instanceof ConfigError && /NODE_TLS_CERT_FILE: contains \{storeId\}, which insights cannot fill/.test(error.message) && /NODE_TLS_KEY_FILE/.test(error.message),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
