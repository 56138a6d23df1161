/**
 * Random sources and exact uniform integers.
 *
 * Production randomness comes from the operating system CSPRNG through node:crypto
 * (`randomFillSync`), buffered so a sampler does not pay one system call per draw.
 * For reproducible tests a seeded source runs the ChaCha20 stream cipher (RFC 8439, via
 * node:crypto `createCipheriv('chacha20', key, iv)`) over zeros: the keystream is the
 * random stream. The seeded source is for tests and reproducible demos only — a seed
 * that is known, logged or reused makes the noise predictable and voids every privacy
 * guarantee.
 *
 * Uniform integers in [0, n) are drawn by rejection sampling (no modulo bias), as the
 * exact samplers of Canonne, Kamath and Steinke (NeurIPS 2020, arXiv:2004.00010) assume.
 */
import * as crypto from 'node:crypto';

/** A source of independent uniformly random 32-bit words. */
export interface RandomSource {
  /** 'crypto' for the OS CSPRNG, 'seeded' for the deterministic test PRG, or a custom label. */
  readonly kind: string;
  /** A uniformly random integer in [0, 2^32). */
  nextUint32(): number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const DEFAULT_WORDS = 4096; // 16 KiB per refill

/** Shared buffering: subclasses refill a Uint32Array; draws are array reads. */
abstract class BufferedSource implements RandomSource {
  abstract readonly kind: string;
  protected readonly words: Uint32Array;
  private pos: number;

  protected constructor(words: number) {
    if (!Number.isInteger(words) || words < 16) throw new RangeError('buffer must hold at least 16 words');
    this.words = new Uint32Array(words);
    this.pos = words; // empty: refill on first use
  }

  protected abstract refill(): void;

  nextUint32(): number {
    if (this.pos >= this.words.length) {
      this.refill();
      this.pos = 0;
    }
    return this.words[this.pos++];
  }
}

/** The OS CSPRNG via node:crypto randomFillSync, buffered. */
export class CryptoRandomSource extends BufferedSource {
  readonly kind = 'crypto';
  constructor(options: { bufferWords?: number } = {}) {
    super(options.bufferWords ?? DEFAULT_WORDS);
  }
  protected refill(): void {
    crypto.randomFillSync(this.words);
  }
}

/**
 * Deterministic ChaCha20 keystream keyed by a hex seed (TESTS ONLY).
 * key = SHA-256("tessera/privacy/chacha20-prg/v1" ‖ seed bytes), nonce and counter zero,
 * words read little-endian. Same seed ⇒ same stream on every platform.
 */
export class SeededRandomSource extends BufferedSource {
  readonly kind = 'seeded';
  private readonly cipher: crypto.Cipher;
  private readonly zeros: Buffer;
  private readonly bytes: Uint8Array;

  constructor(seedHex: string, options: { bufferWords?: number } = {}) {
    super(options.bufferWords ?? DEFAULT_WORDS);
    const seed = parseHexSeed(seedHex);
    const key = crypto.createHash('sha256').update('tessera/privacy/chacha20-prg/v1').update(seed).digest();
    this.cipher = crypto.createCipheriv('chacha20', key, Buffer.alloc(16));
    this.zeros = Buffer.alloc(this.words.length * 4);
    this.bytes = new Uint8Array(this.words.buffer);
  }

  protected refill(): void {
    const out = this.cipher.update(this.zeros);
    this.bytes.set(out);
    if (!LITTLE_ENDIAN) {
      for (let i = 0; i < this.words.length; i++) {
        const w = this.words[i];
        this.words[i] = ((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24);
      }
    }
  }
}

/** Validates a hex seed: non-empty, even length, hex digits only (an optional 0x prefix is allowed). */
export function parseHexSeed(seedHex: string): Buffer {
  const s = seedHex.startsWith('0x') || seedHex.startsWith('0X') ? seedHex.slice(2) : seedHex;
  if (s.length === 0 || s.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(s)) {
    throw new RangeError(`seed must be a non-empty, even-length hex string, got "${seedHex}"`);
  }
  return Buffer.from(s, 'hex');
}

let defaultSource: CryptoRandomSource | undefined;

/** The process-wide buffered CSPRNG source used when no source is injected. */
export function defaultRandomSource(): RandomSource {
  if (!defaultSource) defaultSource = new CryptoRandomSource();
  return defaultSource;
}

/** A fresh buffered CSPRNG source. */
export function cryptoRandomSource(options?: { bufferWords?: number }): RandomSource {
  return new CryptoRandomSource(options);
}

/** A deterministic ChaCha20-based source from a hex seed. For tests and reproducible demos only. */
export function seededRandomSource(seedHex: string, options?: { bufferWords?: number }): RandomSource {
  return new SeededRandomSource(seedHex, options);
}

/** Resolves an optional injected source or seed to a source; defaults to the CSPRNG. */
export function resolveRandomSource(opts?: { rng?: RandomSource; seed?: string }): RandomSource {
  if (opts?.rng && opts.seed !== undefined) throw new TypeError('pass either rng or seed, not both');
  if (opts?.rng) return opts.rng;
  if (opts?.seed !== undefined) return seededRandomSource(opts.seed);
  return defaultRandomSource();
}

const TWO_32 = 4294967296;

/**
 * Uniform integer in [0, n) for a safe integer 1 <= n <= 2^53, by rejection (no modulo bias).
 * For n <= 2^32: accept a 32-bit word r < 2^32 - (2^32 mod n), return r mod n.
 * Larger n: draw ceil(log2 n) bits from two words and reject values >= n.
 */
export function uniformInt(rng: RandomSource, n: number): number {
  if (n <= TWO_32) {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`uniformInt: bad bound ${n}`);
    if (n === 1) return 0; // no randomness needed
    if ((n & (n - 1)) === 0 && n < TWO_32) return rng.nextUint32() & (n - 1); // power of two
    const limit = TWO_32 - (TWO_32 % n);
    for (;;) {
      const r = rng.nextUint32();
      if (r < limit) return r % n;
    }
  }
  if (!Number.isSafeInteger(n - 1)) throw new RangeError(`uniformInt: bound ${n} exceeds 2^53`);
  const hiBound = Math.ceil(n / TWO_32); // high word range [0, hiBound)
  const hiBits = 32 - Math.clz32(hiBound - 1); // bits needed for hiBound-1
  const hiMask = hiBits === 32 ? 0xffffffff : (1 << hiBits) - 1;
  for (;;) {
    const hi = (rng.nextUint32() & hiMask) >>> 0;
    const lo = rng.nextUint32();
    const v = hi * TWO_32 + lo;
    if (v < n) return v;
  }
}

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER) + 1n; // 2^53

/** Uniform bigint in [0, n) for n >= 1, by rejection. Identical stream use to uniformInt for n <= 2^53. */
export function uniformBigInt(rng: RandomSource, n: bigint): bigint {
  if (n < 1n) throw new RangeError(`uniformBigInt: bad bound ${n}`);
  if (n <= MAX_SAFE_BIG) return BigInt(uniformInt(rng, Number(n)));
  const bits = (n - 1n).toString(2).length;
  const words = Math.ceil(bits / 32);
  const topBits = bits - 32 * (words - 1);
  const topMask = topBits === 32 ? 0xffffffff : (1 << topBits) - 1;
  for (;;) {
    let v = BigInt((rng.nextUint32() & topMask) >>> 0);
    for (let i = 1; i < words; i++) v = (v << 32n) | BigInt(rng.nextUint32());
    if (v < n) return v;
  }
}
