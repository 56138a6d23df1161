/**
 * Cryptographic primitives, all from `node:crypto` (OpenSSL):
 *  - KA: X25519 (RFC 7748) key agreement; two key pairs per client and round
 *    (c_u for encrypting shares, s_u for pairwise masks), as in Bonawitz et al. (CCS 2017) §4.
 *  - SIG: Ed25519 (RFC 8032) long-term identity keys from a PKI (clientId → public key).
 *  - KDF: HKDF-SHA-256 (RFC 5869), salted by the round id, with labels binding purpose and ids.
 *  - AE: AES-256-GCM for share ciphertexts, AAD = round id ‖ sender ‖ recipient.
 *  - PRG: AES-256-CTR keystream (zero IV, one fresh key per seed and round) viewed as uint32 words.
 *
 * Raw keys are imported via JWK, which node parses an order of magnitude faster than DER.
 */
import {
  KeyObject,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import { endianness } from 'node:os';
import { SecAggError } from './errors';
import { fromBytesLE, randomFieldElement, toBytesLE } from './field';

export const KEY_BYTES = 32;
export const SIG_BYTES = 64;
export const DOMAIN = 'tessera-secagg/v1';

const b64u = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
const fromB64u = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64url'));

// ---------------------------------------------------------------------------------------------
// X25519

export interface AgreementKeyPair {
  /** Private scalar as a field element of GF(2^255−19) (so it can be Shamir-shared as is). */
  secret: bigint;
  privateKey: KeyObject;
  publicKey: Uint8Array;
}

export function x25519PrivateFromScalar(secret: bigint): KeyObject {
  const d = toBytesLE(secret);
  // node requires `x` in a private JWK but derives the public key from `d`; the base point is a
  // harmless placeholder.
  return createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: b64u(d), x: BASE_POINT_B64 }, format: 'jwk' });
}

const BASE_POINT = new Uint8Array(32);
BASE_POINT[0] = 9;
const BASE_POINT_B64 = b64u(BASE_POINT);

export function x25519PublicOf(privateKey: KeyObject): Uint8Array {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string };
  return fromB64u(jwk.x);
}

export function generateAgreementKeyPair(): AgreementKeyPair {
  const secret = randomFieldElement();
  const privateKey = x25519PrivateFromScalar(secret);
  return { secret, privateKey, publicKey: x25519PublicOf(privateKey) };
}

export function importX25519Public(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: b64u(raw) }, format: 'jwk' });
}

/**
 * X25519 shared secret. Throws PROTOCOL_VIOLATION for low-order public keys (OpenSSL refuses
 * an all-zero shared secret), so a malicious peer cannot force a predictable mask.
 */
export function agree(privateKey: KeyObject, peerPublic: KeyObject, who = 'peer'): Buffer {
  try {
    return diffieHellman({ privateKey, publicKey: peerPublic });
  } catch (e) {
    throw new SecAggError('PROTOCOL_VIOLATION', `X25519 agreement with ${who} failed (low-order or invalid public key)`, {
      peer: who,
      cause: String(e),
    });
  }
}

let probeKey: KeyObject | undefined;
/** True iff the raw key imports as X25519 and yields a non-zero shared secret. */
export function isUsableX25519Public(raw: Uint8Array): boolean {
  if (raw.length !== KEY_BYTES) return false;
  try {
    probeKey ??= generateAgreementKeyPair().privateKey;
    diffieHellman({ privateKey: probeKey, publicKey: importX25519Public(raw) });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Ed25519 identity keys

export interface IdentityKeyPair {
  /** Raw 32-byte Ed25519 public key, to be registered in the PKI. */
  publicKey: Uint8Array;
  privateKey: KeyObject;
}

export function generateIdentityKeyPair(): IdentityKeyPair {
  const seed = randomBytes(32);
  const privateKey = importIdentityPrivateKey(seed);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string };
  return { publicKey: fromB64u(jwk.x), privateKey };
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** Imports a 32-byte Ed25519 seed (RFC 8032 private key). */
export function importIdentityPrivateKey(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new SecAggError('INVALID_CONFIG', 'Ed25519 private key seed must be 32 bytes');
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function importIdentityPublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== KEY_BYTES) throw new SecAggError('INVALID_CONFIG', 'Ed25519 public key must be 32 bytes');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64u(raw) }, format: 'jwk' });
}

export function identityPublicOf(privateKey: KeyObject): Uint8Array {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as { x: string; crv: string };
  if (jwk.crv !== 'Ed25519') throw new SecAggError('INVALID_CONFIG', 'identity key must be Ed25519');
  return fromB64u(jwk.x);
}

export function signBytes(privateKey: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, data, privateKey));
}

export function verifyBytes(publicKey: KeyObject, data: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== SIG_BYTES) return false;
  try {
    return verify(null, data, publicKey, sig);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers for labels

/** Length-prefixed UTF-8 (u32 BE length), so concatenated labels are unambiguous. */
export function lp(s: string | Uint8Array): Buffer {
  const body = typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s.buffer, s.byteOffset, s.byteLength);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

export function sha256(...parts: (string | Uint8Array)[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(lp(p));
  return new Uint8Array(h.digest());
}

export function roundSalt(roundId: string): Uint8Array {
  return sha256(DOMAIN, 'round-salt', roundId);
}

export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, len = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, len));
}

export function info(...parts: string[]): Buffer {
  return Buffer.concat([lp(DOMAIN), ...parts.map(lp)]);
}

// ---------------------------------------------------------------------------------------------
// Authenticated encryption of shares

const NONCE = 12;
const TAG = 16;

export function aeSeal(key: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad);
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return new Uint8Array(Buffer.concat([nonce, body, c.getAuthTag()]));
}

/** Returns undefined on any authentication failure. */
export function aeOpen(key: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.length < NONCE + TAG) return undefined;
  try {
    const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, NONCE));
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - TAG));
    return new Uint8Array(Buffer.concat([d.update(sealed.subarray(NONCE, sealed.length - TAG)), d.final()]));
  } catch {
    return undefined;
  }
}

export const SEALED_SHARE_BYTES = NONCE + 8 + 32 + 32 + TAG;

// ---------------------------------------------------------------------------------------------
// PRG: seed → uint32 mask vector

const LITTLE_ENDIAN = endianness() === 'LE';
const ZERO_IV = Buffer.alloc(16);
let zeroPad = Buffer.alloc(0);

/**
 * Expands a 256-bit key into `length` uint32 words with AES-256-CTR (keystream = encryption of
 * zeros). Words are read little-endian regardless of the host.
 */
export function expandMask(key: Uint8Array, length: number): Uint32Array {
  const bytes = length * 4;
  if (zeroPad.length < bytes) zeroPad = Buffer.alloc(bytes);
  const c = createCipheriv('aes-256-ctr', key, ZERO_IV);
  let ks = c.update(zeroPad.subarray(0, bytes));
  if (!LITTLE_ENDIAN) ks = Buffer.from(ks).swap32();
  if (ks.byteOffset % 4 !== 0) ks = Buffer.from(ks);
  return new Uint32Array(ks.buffer, ks.byteOffset, length);
}

/** acc[i] = acc[i] + m[i] mod 2^32 */
export function addInto(acc: Uint32Array, m: Uint32Array): void {
  const n = acc.length;
  for (let i = 0; i < n; i++) acc[i] = (acc[i] + m[i]) >>> 0;
}

/** acc[i] = acc[i] − m[i] mod 2^32 */
export function subInto(acc: Uint32Array, m: Uint32Array): void {
  const n = acc.length;
  for (let i = 0; i < n; i++) acc[i] = (acc[i] - m[i]) >>> 0;
}

export { fromBytesLE, toBytesLE };
