import { X509Certificate, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { STORE_ID_PATTERN } from '../config/common-variables';
import type * as X509 from '@peculiar/x509';

/** Loaded on first use: the library (and the reflect polyfill its dependency injection needs) stays out of services that never issue a certificate. */
let library: Promise<typeof X509> | undefined;
function x509lib(): Promise<typeof X509> {
  library ??= (async () => {
    await import('reflect-metadata');
    return import('@peculiar/x509');
  })();
  return library;
}

/**
 * The consortium's public-key infrastructure for the store-node <-> hub links: one CA (kept
 * offline by the consortium operator) issues the hub's server certificate and one client
 * certificate per store node. A node certificate names its store twice: subject CN=<storeId>
 * and the SAN URI `urn:tessera:store:<storeId>`; the hub binds every node stream to the SAN.
 * ECDSA P-256 with SHA-256 everywhere. Every function is async (webcrypto).
 */

export interface KeyAndCertificate {
  /** PEM of the certificate. */
  certPem: string;
  /** PEM (PKCS#8) of the private key: keep it mode 0600. */
  keyPem: string;
}

export const STORE_URI_PREFIX = 'urn:tessera:store:';
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const DAY_MS = 24 * 3600 * 1000;
const crypto = webcrypto;
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f; // positive
  return bytes.toString('hex');
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

async function keyPem(key: CryptoKey): Promise<string> {
  const x509 = await x509lib();
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

function validity(days: number) {
  if (!Number.isInteger(days) || days < 1 || days > 36500) throw new Error(`days must be a whole number of days in [1, 36500], got ${days}`);
  // A little slack backwards, so a peer whose clock is a few minutes behind accepts a fresh certificate.
  const notBefore = new Date(Date.now() - 5 * 60 * 1000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * DAY_MS) };
}

function dnValue(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1');
}

/** A new consortium CA: a self-signed certificate allowed to sign end-entity certificates only (path length 0). */
export async function createConsortiumCa(options: { name?: string; days?: number } = {}): Promise<KeyAndCertificate> {
  const x509 = await x509lib();
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: `CN=${dnValue(options.name ?? 'Tessera consortium CA')}`,
      ...validity(options.days ?? 3650),
      signingAlgorithm: ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

async function loadCa(ca: KeyAndCertificate) {
  const x509 = await x509lib();
  const cert = new x509.X509Certificate(ca.certPem);
  const der = createPrivateKey(ca.keyPem).export({ format: 'der', type: 'pkcs8' });
  const signingKey = await crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  if (!basic?.ca) throw new Error('the CA certificate is not a CA (basicConstraints cA is not set)');
  return { cert, signingKey };
}

async function issue(ca: KeyAndCertificate, subject: string, names: X509.JsonGeneralNames, usage: string, days: number): Promise<KeyAndCertificate> {
  const x509 = await x509lib();
  const issuer = await loadCa(ca);
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject,
      issuer: issuer.cert.subject,
      ...validity(days),
      signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: issuer.signingKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([usage], false),
        new x509.SubjectAlternativeNameExtension(names, false),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(issuer.cert, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await keyPem(keys.privateKey) };
}

/** A store node's client certificate: CN=<storeId>, SAN URI urn:tessera:store:<storeId>, extended key usage clientAuth. */
export async function issueNodeCertificate(ca: KeyAndCertificate, options: { storeId: string; days?: number }): Promise<KeyAndCertificate> {
  if (!STORE_ID_PATTERN.test(options.storeId)) throw new Error(`storeId ${JSON.stringify(options.storeId)} is not a valid store id (letters, digits, _ . -; at most 64)`);
  return issue(ca, `CN=${options.storeId}`, [{ type: 'url', value: `${STORE_URI_PREFIX}${options.storeId}` }], CLIENT_AUTH, options.days ?? 397);
}

/** The hub's server certificate for its node port: a SAN DNS or IP entry per host, extended key usage serverAuth. */
export async function issueHubCertificate(ca: KeyAndCertificate, options: { hosts: string[]; days?: number }): Promise<KeyAndCertificate> {
  const hosts = options.hosts.map((host) => host.trim()).filter(Boolean);
  if (hosts.length === 0) throw new Error('hosts must name at least one DNS name or IP address the store nodes dial');
  for (const host of hosts) {
    if (!isIP(host) && !/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(host)) throw new Error(`host ${JSON.stringify(host)} is neither a DNS name nor an IP address`);
  }
  return issue(ca, `CN=${hosts[0]}`, hosts.map((host) => ({ type: isIP(host) ? 'ip' : 'dns', value: host })), SERVER_AUTH, options.days ?? 397);
}

/**
 * The store a node certificate speaks for: its one SAN URI urn:tessera:store:<id>. Undefined
 * when it has none, several, or one that is not a valid store id (the subject CN is not trusted
 * alone). Accepts a PEM, DER bytes or a parsed certificate. It does not check the issuer:
 * the TLS handshake against the consortium CA does.
 */
export function storeIdOfCertificate(certificate: string | Buffer | X509Certificate): string | undefined {
  let cert: X509Certificate;
  try {
    cert = certificate instanceof X509Certificate ? certificate : new X509Certificate(certificate);
  } catch {
    return undefined;
  }
  const names = (cert.subjectAltName ?? '').split(/,\s*/).filter((name) => name.startsWith(`URI:${STORE_URI_PREFIX}`));
  if (names.length !== 1) return undefined;
  const storeId = names[0].slice(`URI:${STORE_URI_PREFIX}`.length);
  return STORE_ID_PATTERN.test(storeId) ? storeId : undefined;
}

export interface TestPki {
  dir: string;
  caFile: string;
  /** The CA's key, so a test can issue more certificates (never written by the CLI outside the CA directory). */
  caKeyFile: string;
  hub: { certFile: string; keyFile: string };
  nodes: Record<string, { certFile: string; keyFile: string }>;
}

function writeKey(path: string, pem: string) {
  writeFileSync(path, pem, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * Tests and the all-in-one `tessera start`: a throwaway CA, a hub certificate (default hosts
 * 127.0.0.1 and localhost) and one node certificate per store, as files under dir:
 * ca/ca.crt, ca/ca.key, hub/hub.crt, hub/hub.key, nodes/<storeId>/node.crt, nodes/<storeId>/node.key.
 */
export async function writeTestPki(dir: string, options: { storeIds: string[]; hubHosts?: string[]; caName?: string }): Promise<TestPki> {
  const ca = await createConsortiumCa({ name: options.caName ?? 'Tessera throwaway test CA' });
  mkdirSync(join(dir, 'ca'), { recursive: true });
  const caFile = join(dir, 'ca', 'ca.crt');
  const caKeyFile = join(dir, 'ca', 'ca.key');
  writeFileSync(caFile, ca.certPem);
  writeKey(caKeyFile, ca.keyPem);
  const hubCert = await issueHubCertificate(ca, { hosts: options.hubHosts ?? ['127.0.0.1', 'localhost'] });
  mkdirSync(join(dir, 'hub'), { recursive: true });
  const hub = { certFile: join(dir, 'hub', 'hub.crt'), keyFile: join(dir, 'hub', 'hub.key') };
  writeFileSync(hub.certFile, hubCert.certPem);
  writeKey(hub.keyFile, hubCert.keyPem);
  const nodes: TestPki['nodes'] = {};
  for (const storeId of options.storeIds) {
    const issued = await issueNodeCertificate(ca, { storeId });
    const nodeDir = join(dir, 'nodes', storeId);
    mkdirSync(nodeDir, { recursive: true });
    nodes[storeId] = { certFile: join(nodeDir, 'node.crt'), keyFile: join(nodeDir, 'node.key') };
    writeFileSync(nodes[storeId].certFile, issued.certPem);
    writeKey(nodes[storeId].keyFile, issued.keyPem);
  }
  return { dir, caFile, caKeyFile, hub, nodes };
}
