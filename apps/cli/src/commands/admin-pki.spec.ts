import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { storeIdOfCertificate } from '@tessera/common';
import { adminCommand } from './admin';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await adminCommand(argv, { stdout, stderr }, {});
  return { code, out, err };
}

describe('tessera admin ca / node-cert / hub-cert', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tessera-admin-pki-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a CA, then a node certificate bound to its store and a hub certificate for its hosts, keys mode 0600', async () => {
    const ca = await run(['ca', 'init', '--out', join(dir, 'ca'), '--name', 'Acme consortium']);
    assert.equal(ca.code, 0, ca.err);
    assert.match(ca.out, /consortium CA: CN=Acme consortium/);
    assert.equal(statSync(join(dir, 'ca', 'ca.key')).mode & 0o777, 0o600);
    const caCert = new X509Certificate(readFileSync(join(dir, 'ca', 'ca.crt')));
    assert.equal(caCert.ca, true);

    const node = await run(['node-cert', '--ca', join(dir, 'ca'), '--store', 'store-lyon', '--out', join(dir, 'lyon')]);
    assert.equal(node.code, 0, node.err);
    const nodeCert = new X509Certificate(readFileSync(join(dir, 'lyon', 'node.crt')));
    assert.equal(nodeCert.verify(caCert.publicKey), true);
    assert.equal(storeIdOfCertificate(nodeCert), 'store-lyon');
    assert.equal(statSync(join(dir, 'lyon', 'node.key')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, 'lyon', 'ca.crt'), 'utf8'), readFileSync(join(dir, 'ca', 'ca.crt'), 'utf8'));
    assert.match(node.out, new RegExp(`NODE_TLS_CERT_FILE=${join(dir, 'lyon', 'node.crt')}`));

    const hub = await run(['hub-cert', '--ca', join(dir, 'ca'), '--host', 'hub.acme.example, 10.1.2.3', '--out', join(dir, 'hub')]);
    assert.equal(hub.code, 0, hub.err);
    const hubCert = new X509Certificate(readFileSync(join(dir, 'hub', 'hub.crt')));
    assert.equal(hubCert.verify(caCert.publicKey), true);
    assert.equal(hubCert.checkHost('hub.acme.example'), 'hub.acme.example');
    assert.equal(hubCert.checkIP('10.1.2.3'), '10.1.2.3');
    assert.equal(statSync(join(dir, 'hub', 'hub.key')).mode & 0o777, 0o600);
  });

  it('refuses to overwrite a CA, a node certificate or a key, and leaves them as they were', async () => {
    assert.equal((await run(['ca', 'init', '--out', join(dir, 'ca')])).code, 0);
    const caKey = readFileSync(join(dir, 'ca', 'ca.key'), 'utf8');
    const again = await run(['ca', 'init', '--out', join(dir, 'ca')]);
    assert.equal(again.code, 1);
    assert.match(again.err, /already exist.*refusing to overwrite/);
    assert.equal(readFileSync(join(dir, 'ca', 'ca.key'), 'utf8'), caKey);

    assert.equal((await run(['node-cert', '--ca', join(dir, 'ca'), '--store', 's1', '--out', join(dir, 's1')])).code, 0);
    const cert = readFileSync(join(dir, 's1', 'node.crt'), 'utf8');
    const second = await run(['node-cert', '--ca', join(dir, 'ca'), '--store', 's1', '--out', join(dir, 's1')]);
    assert.equal(second.code, 1);
    assert.match(second.err, /node\.crt, .*node\.key already exist/);
    assert.equal(readFileSync(join(dir, 's1', 'node.crt'), 'utf8'), cert);

    // Only the key is there: nothing is written, not even the certificate.
    writeFileSync(join(dir, 'lonely-key'), '');
    rmSync(join(dir, 's1', 'node.crt'));
    const partial = await run(['node-cert', '--ca', join(dir, 'ca'), '--store', 's1', '--out', join(dir, 's1')]);
    assert.equal(partial.code, 1);
    assert.throws(() => statSync(join(dir, 's1', 'node.crt')));
  });

  it('names what is missing or wrong (exit 2), and a missing CA (exit 1)', async () => {
    const noOut = await run(['ca', 'init']);
    assert.equal(noOut.code, 2);
    assert.match(noOut.err, /--out <dir> is required/);
    const notInit = await run(['ca', 'create', '--out', dir]);
    assert.equal(notInit.code, 2);
    assert.match(notInit.err, /the ca command is `ca init`, got "create"/);
    const noStore = await run(['node-cert', '--ca', dir, '--out', join(dir, 'n')]);
    assert.equal(noStore.code, 2);
    assert.match(noStore.err, /--store <id> is required/);
    const noHost = await run(['hub-cert', '--ca', dir, '--out', join(dir, 'h')]);
    assert.equal(noHost.code, 2);
    assert.match(noHost.err, /--host <h>\[,<h>\] is required/);
    const noCa = await run(['node-cert', '--ca', join(dir, 'nowhere'), '--store', 's1', '--out', join(dir, 'n')]);
    assert.equal(noCa.code, 1);
    assert.match(noCa.err, /ca\.crt not found \(create the CA with `tessera admin ca init/);
    assert.equal((await run(['ca', 'init', '--out', join(dir, 'ca')])).code, 0);
    const badStore = await run(['node-cert', '--ca', join(dir, 'ca'), '--store', 'a b', '--out', join(dir, 'n')]);
    assert.equal(badStore.code, 2);
    assert.match(badStore.err, /storeId "a b" is not a valid store id/);
    const badHost = await run(['hub-cert', '--ca', join(dir, 'ca'), '--host', 'hub_1!', '--out', join(dir, 'h')]);
    assert.equal(badHost.code, 2);
    assert.match(badHost.err, /"hub_1!" is neither a DNS name nor an IP address/);
    const badDays = await run(['node-cert', '--ca', join(dir, 'ca'), '--store', 's1', '--days', '0', '--out', join(dir, 'n')]);
    assert.equal(badDays.code, 2);
    assert.match(badDays.err, /--days must be a whole number/);
  });
});
