/**
 * Arithmetic in the prime field GF(p), p = 2^255 − 19, with native bigint.
 *
 * Why this prime: both secrets that Bonawitz et al. (CCS 2017) secret-share — the mask
 * private key s_u^SK and the self-mask seed b_u — are sampled here directly as uniform field
 * elements and serialised as 32 little-endian bytes. A field element below 2^255 is a valid
 * X25519 private key (X25519 clamps on use), so the key reconstructed from shares is exactly the
 * key that was used, with no encoding slack; b_u has ~255 bits of entropy (≥ 128 required).
 */
import { randomBytes } from 'node:crypto';

export const P = (1n << 255n) - 19n;
export const FIELD_BYTES = 32;

export function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

export function mul(a: bigint, b: bigint): bigint {
  return (a * b) % P;
}

/** Modular inverse by the extended Euclidean algorithm (a ≠ 0 mod p). */
export function inv(a: bigint): bigint {
  let r0 = P;
  let r1 = mod(a);
  if (r1 === 0n) throw new RangeError('inverse of zero');
  let t0 = 0n;
  let t1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return mod(t0);
}

/** Inverts many elements with a single modular inversion (Montgomery's trick). */
export function batchInv(xs: readonly bigint[]): bigint[] {
  const n = xs.length;
  const prefix = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    prefix[i] = acc;
    acc = (acc * xs[i]) % P;
  }
  let invAcc = inv(acc);
  const out = new Array<bigint>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = (invAcc * prefix[i]) % P;
    invAcc = (invAcc * xs[i]) % P;
  }
  return out;
}

/** Uniform field element by rejection sampling from a CSPRNG (never a biased reduction). */
export function randomFieldElement(): bigint {
  for (;;) {
    const b = randomBytes(32);
    b[31] &= 0x7f;
    const v = fromBytesLE(b);
    if (v < P) return v;
  }
}

export function fromBytesLE(b: Uint8Array): bigint {
  let hex = '';
  for (let i = b.length - 1; i >= 0; i--) hex += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return hex.length ? BigInt('0x' + hex) : 0n;
}

export function toBytesLE(v: bigint, len = FIELD_BYTES): Uint8Array {
  const out = new Uint8Array(len);
  let x = v;
  for (let i = 0; i < len; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (x !== 0n) throw new RangeError('value does not fit');
  return out;
}

/** Decodes a canonical field element (32 bytes LE, value < p); returns undefined otherwise. */
export function decodeFieldElement(b: Uint8Array): bigint | undefined {
  if (b.length !== FIELD_BYTES) return undefined;
  const v = fromBytesLE(b);
  return v < P ? v : undefined;
}
