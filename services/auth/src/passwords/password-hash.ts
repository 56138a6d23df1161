import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes with scrypt (RFC 7914) from node:crypto, so no native addon is needed.
 * Stored as `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>`; the parameters travel with the
 * hash, so raising the cost later rehashes each password at its next sign-in.
 * N = 2^15, r = 8, p = 1 is OWASP's recommended minimum for scrypt (about 32 MiB, tens of ms).
 */
export interface ScryptParameters {
  logN: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParameters = { logN: 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, parameters: ScryptParameters): Promise<Buffer> {
  const N = 2 ** parameters.logN;
  const options: ScryptOptions = { N, r: parameters.r, p: parameters.p, maxmem: 256 * N * parameters.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export async function hashPassword(password: string, parameters: ScryptParameters = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, parameters);
  return ['scrypt', parameters.logN, parameters.r, parameters.p, salt.toString('base64'), key.toString('base64')].join('$');
}

function parse(stored: string): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [logN, r, p] = parts.slice(1, 4).map(Number);
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 22) return undefined;
  return { parameters: { logN, r, p }, salt: Buffer.from(parts[4], 'base64'), key: Buffer.from(parts[5], 'base64') };
}

/** Constant-time comparison of the derived key; false for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.parameters);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

export function needsRehash(stored: string, parameters: ScryptParameters = DEFAULT_SCRYPT): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.parameters.logN < parameters.logN || parsed.parameters.r < parameters.r || parsed.parameters.p < parameters.p;
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real check when the email is unknown, so response time does
 * not tell which emails have accounts.
 */
export async function verifyAgainstDummy(password: string, parameters: ScryptParameters = DEFAULT_SCRYPT): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'), parameters);
  await verifyPassword(password, await dummyHash);
  return false;
}
