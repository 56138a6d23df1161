import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * Access tokens are signed with ES256 (ECDSA P-256): the auth service holds the private
 * keys, the gateway only the public ones, so a leaked gateway cannot mint tokens. Keys are
 * JWKs with a `kid`; the token header names its kid, so a new key can be introduced while
 * tokens signed by the old one are still valid (rotation, see docs/security.md).
 */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JsonWebKey & { kid: string };
}

export interface SigningKeySet {
  /** Signs new tokens. */
  active: SigningKey;
  all: SigningKey[];
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;

export function parseSigningKeys(raw: string): SigningKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('must be a JSON array of private JWKs (generate one with `npx tessera admin signing-key`)');
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0) throw new Error('must hold at least one key');
  const keys: SigningKey[] = [];
  for (const [index, jwk] of list.entries()) {
    const where = `key ${index + 1}`;
    if (typeof jwk !== 'object' || jwk === null) throw new Error(`${where} is not a JSON object`);
    const { kid, kty, crv, d } = jwk as Record<string, unknown>;
    if (typeof kid !== 'string' || !KID.test(kid)) throw new Error(`${where} needs a "kid" (letters, digits, . _ -)`);
    if (kty !== 'EC' || crv !== 'P-256' || typeof d !== 'string') throw new Error(`${where} (kid ${kid}) must be an EC P-256 private JWK (kty EC, crv P-256, with d)`);
    if (keys.some((k) => k.kid === kid)) throw new Error(`kid ${kid} appears twice`);
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
    } catch (error) {
      throw new Error(`${where} (kid ${kid}) is not a valid key: ${(error as Error).message}`);
    }
    const publicKey = createPublicKey(privateKey);
    // Node takes x and y as given: prove they belong to d by signing and verifying a probe.
    const probe = Buffer.from(`tessera signing key ${kid}`);
    if (Buffer.from(d, 'base64url').length !== 32 || !verify('sha256', probe, publicKey, sign('sha256', probe, privateKey))) {
      throw new Error(`${where} (kid ${kid}) is not a valid key: its d does not match its x and y`);
    }
    const { x, y } = publicKey.export({ format: 'jwk' });
    keys.push({ kid, privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' } as JsonWebKey & { kid: string } });
  }
  return { active: keys[0], all: keys };
}

/** A new private JWK for JWT_SIGNING_KEYS. */
export function generateSigningKey(kid = `k-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString('hex')}`): JsonWebKey & { kid: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } as JsonWebKey & { kid: string };
}

/** The public half of a set, as the gateway's JWT_VERIFY_KEYS. */
export function publicKeysJson(set: SigningKeySet): string {
  return JSON.stringify(set.all.map((key) => key.publicJwk));
}
