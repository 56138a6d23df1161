import { createPublicKey, type KeyObject } from 'node:crypto';

/** Public keys that verify access tokens, by kid (the auth service signs with the private halves). */
export interface VerifyKeySet {
  keys: Map<string, KeyObject>;
}

export function parseVerifyKeys(raw: string): VerifyKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('must be a JSON array of public JWKs (`npx tessera admin signing-key` prints them)');
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.length === 0) throw new Error('must hold at least one key');
  const keys = new Map<string, KeyObject>();
  for (const [index, jwk] of list.entries()) {
    const where = `key ${index + 1}`;
    if (typeof jwk !== 'object' || jwk === null) throw new Error(`${where} is not a JSON object`);
    const { kid, kty, crv, d } = jwk as Record<string, unknown>;
    if (typeof kid !== 'string' || !kid) throw new Error(`${where} needs a "kid"`);
    if (kty !== 'EC' || crv !== 'P-256') throw new Error(`${where} (kid ${kid}) must be an EC P-256 JWK`);
    if (d !== undefined) throw new Error(`${where} (kid ${kid}) holds a private key ("d"); the gateway needs only the public half`);
    if (keys.has(kid)) throw new Error(`kid ${kid} appears twice`);
    try {
      keys.set(kid, createPublicKey({ key: jwk as never, format: 'jwk' }));
    } catch (error) {
      throw new Error(`${where} (kid ${kid}) is not a valid key: ${(error as Error).message}`);
    }
  }
  return { keys };
}

/** Where the JWT strategy finds the key a token's kid names: static (hub, all) or fetched from the hub (store node). */
export const VERIFY_KEYS = Symbol('VERIFY_KEYS');

export interface VerifyKeySource {
  keyFor(kid: string): Promise<KeyObject | undefined>;
}

export function staticVerifyKeys(set: VerifyKeySet): VerifyKeySource {
  return { keyFor: async (kid) => set.keys.get(kid) };
}

/** The public JWKS of a key set (GET /api/auth/keys): kid, ES256, signature use; never a private part. */
export function jwksOf(set: VerifyKeySet): { keys: Record<string, unknown>[] } {
  return {
    keys: [...set.keys.entries()].map(([kid, key]) => {
      const { kty, crv, x, y } = key.export({ format: 'jwk' });
      return { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' };
    }),
  };
}
