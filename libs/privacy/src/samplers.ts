/**
 * Exact samplers for Bernoulli(exp(-γ)), the discrete Laplace and the discrete Gaussian.
 *
 * Paper: C. Canonne, G. Kamath, T. Steinke, "The Discrete Gaussian for Differential
 * Privacy", NeurIPS 2020 (arXiv:2004.00010), Section 5 "Sampling":
 *   - Algorithm 1: Bernoulli(exp(-γ)) for rational γ >= 0, using only Bernoulli(rational)
 *     draws (for γ in [0,1]: count K until Bernoulli(γ/K) fails, return [K odd];
 *     for γ > 1: floor(γ) independent Bernoulli(exp(-1)) then Bernoulli(exp(-(γ-floor γ)))).
 *   - Algorithm 2: discrete Laplace with scale t/s, P[Z=z] ∝ exp(-|z|·s/t), from a uniform
 *     U in {0..t-1} accepted with prob. exp(-U/t) plus t·V, V geometric via exp(-1)
 *     coins, divided by s, with a random sign (rejecting "-0").
 *   - Algorithm 3: discrete Gaussian N_Z(0, σ²), P[Y=y] ∝ exp(-y²/(2σ²)), by rejection
 *     from the discrete Laplace with scale t = floor(σ)+1, accepting with probability
 *     exp(-(|Y| - σ²/t)² / (2σ²)).
 * All arithmetic is exact on integers; nothing is rounded and no floating-point
 * Laplace/Gaussian is used anywhere (cf. Mironov, "On Significance of the Least
 * Significant Bits for Differential Privacy", CCS 2012).
 *
 * Implementation note: every quantity is an integer. When all integers involved stay
 * below 2^53 they are held in JavaScript numbers (integer arithmetic on doubles is exact
 * below 2^53, and each product is checked); otherwise the same algorithm runs on bigint.
 * Both paths consume the random stream identically, so they produce identical samples
 * for the same source (this is tested).
 */
import { RandomSource, resolveRandomSource, uniformBigInt, uniformInt } from './random';
import { Rational, RationalLike, floorSqrt, mul, toRational, formatRational } from './rational';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Per-sampler random state: the word source plus a small bit cache for fair coins. */
class Draw {
  private word = 0;
  private left = 0;
  constructor(readonly rng: RandomSource) {}

  coin(): boolean {
    if (this.left === 0) {
      this.word = this.rng.nextUint32();
      this.left = 32;
    }
    const b = this.word & 1;
    this.word >>>= 1;
    this.left--;
    return b === 1;
  }
}

// ---------------------------------------------------------------------------------------
// Bernoulli(num/den) and Bernoulli(exp(-num/den)) — number path (all values safe ints)
// ---------------------------------------------------------------------------------------

/** Bernoulli(n/m) for safe integers 0 <= n <= m, m >= 1; m may exceed 2^53 only via the bigint helper. */
function bernRatio(d: Draw, n: number, m: number): boolean {
  if (n <= 0) return false;
  if (n >= m) return true;
  return uniformInt(d.rng, m) < n;
}

/** Bernoulli(exp(-1)): K counts successes of Bernoulli(1/K); return [K odd]. */
function bernExpMinusOne(d: Draw): boolean {
  // K = 1: Bernoulli(1/1) always succeeds without a draw.
  let k = 2;
  while (uniformInt(d.rng, k) === 0) k++;
  return (k & 1) === 1;
}

/** Bernoulli(exp(-n/d)) for safe integers 0 <= n <= den (γ <= 1). */
function bernExpNegFrac(d: Draw, n: number, den: number): boolean {
  if (n === 0) return true;
  if (n === den) return bernExpMinusOne(d);
  let k = 1;
  for (;;) {
    const m = den * k;
    const ok = m <= MAX_SAFE ? bernRatio(d, n, m) : bernRatioBig(d, BigInt(n), BigInt(den) * BigInt(k));
    if (!ok) break;
    k++;
  }
  return (k & 1) === 1;
}

/** Bernoulli(exp(-n/den)) for safe integers n >= 0, den >= 1 (CKS20 Algorithm 1). */
function bernExpNeg(d: Draw, n: number, den: number): boolean {
  while (n > den) {
    if (!bernExpMinusOne(d)) return false;
    n -= den;
  }
  return bernExpNegFrac(d, n, den);
}

// ---------------------------------------------------------------------------------------
// Same algorithms on bigint (used when a parameter or intermediate exceeds 2^53)
// ---------------------------------------------------------------------------------------

function bernRatioBig(d: Draw, n: bigint, m: bigint): boolean {
  if (n <= 0n) return false;
  if (n >= m) return true;
  return uniformBigInt(d.rng, m) < n;
}

function bernExpNegFracBig(d: Draw, n: bigint, den: bigint): boolean {
  if (n === 0n) return true;
  if (n === den) return bernExpMinusOne(d);
  let k = 1n;
  while (bernRatioBig(d, n, den * k)) k++;
  return (k & 1n) === 1n;
}

function bernExpNegBig(d: Draw, n: bigint, den: bigint): boolean {
  if (n <= MAX_SAFE_BIG && den <= MAX_SAFE_BIG) return bernExpNeg(d, Number(n), Number(den));
  while (n > den) {
    if (!bernExpMinusOne(d)) return false;
    n -= den;
  }
  return bernExpNegFracBig(d, n, den);
}

const MAX_SAFE_BIG = BigInt(MAX_SAFE);

// ---------------------------------------------------------------------------------------
// Discrete Laplace, scale t/s (CKS20 Algorithm 2)
// ---------------------------------------------------------------------------------------

/** Number path; requires t, s safe integers. Intermediates beyond 2^53 are computed on bigint. */
function laplaceNum(d: Draw, t: number, s: number): number {
  for (;;) {
    const u = uniformInt(d.rng, t);
    if (!bernExpNeg(d, u, t)) continue;
    let v = 0;
    while (bernExpMinusOne(d)) v++;
    const x = u + t * v;
    let y: number;
    if (x <= MAX_SAFE) {
      y = s === 1 ? x : (x - (x % s)) / s; // exact floor(x / s)
    } else {
      y = toSafe((BigInt(u) + BigInt(t) * BigInt(v)) / BigInt(s));
    }
    const negative = d.coin();
    if (negative && y === 0) continue;
    return negative ? -y : y;
  }
}

function laplaceBig(d: Draw, t: bigint, s: bigint): bigint {
  for (;;) {
    const u = uniformBigInt(d.rng, t);
    if (!bernExpNegBig(d, u, t)) continue;
    let v = 0n;
    while (bernExpMinusOne(d)) v++;
    const x = u + t * v;
    const y = x / s;
    const negative = d.coin();
    if (negative && y === 0n) continue;
    return negative ? -y : y;
  }
}

// ---------------------------------------------------------------------------------------
// Public samplers
// ---------------------------------------------------------------------------------------

export interface SamplerOptions {
  /** Injected random source (tests). Default: the buffered node:crypto CSPRNG. */
  rng?: RandomSource;
  /** Hex seed for the deterministic ChaCha20 test PRG. TESTS ONLY: a known seed voids privacy. */
  seed?: string;
  /** 'auto' (default) uses exact number arithmetic when everything fits below 2^53; 'bigint' forces bigint (testing). */
  arithmetic?: 'auto' | 'bigint';
}

/** A sampler of integers; `next()` returns a number, `nextBigInt()` a bigint. */
export interface IntegerSampler {
  readonly randomSource: RandomSource;
  /** One sample as a JavaScript number (throws RangeError in the astronomically unlikely case it is not a safe integer). */
  next(): number;
  /** One sample as a bigint. */
  nextBigInt(): bigint;
  /** `count` samples as numbers. */
  sample(count: number): number[];
  /** `count` samples as bigints. */
  sampleBigInt(count: number): bigint[];
}

abstract class BaseSampler implements IntegerSampler {
  readonly randomSource: RandomSource;
  protected readonly draw: Draw;
  protected constructor(opts: SamplerOptions | undefined) {
    this.randomSource = resolveRandomSource(opts);
    this.draw = new Draw(this.randomSource);
  }
  abstract next(): number;
  abstract nextBigInt(): bigint;
  sample(count: number): number[] {
    checkCount(count);
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = this.next();
    return out;
  }
  sampleBigInt(count: number): bigint[] {
    checkCount(count);
    const out = new Array<bigint>(count);
    for (let i = 0; i < count; i++) out[i] = this.nextBigInt();
    return out;
  }
}

function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
}

function toSafe(v: bigint): number {
  if (v > MAX_SAFE_BIG || v < -MAX_SAFE_BIG) throw new RangeError('sample is not a safe integer; use nextBigInt()');
  return Number(v);
}

function positiveRational(x: RationalLike, what: string): Rational {
  const r = toRational(x);
  if (r.num <= 0n) throw new RangeError(`${what} must be > 0, got ${formatRational(r)}`);
  return r;
}

/**
 * Discrete Laplace Lap_Z(b): P[Z = z] = (1 - e^{-1/b}) / (1 + e^{-1/b}) · e^{-|z|/b}, for z in Z.
 * `scale` b is an exact rational (a number is taken as its exact binary value; use a
 * string like "0.1" or {num, den} for decimal scales). Adding it to an integer query with
 * L1 sensitivity Δ gives (Δ/b)-DP (the geometric mechanism).
 */
export class DiscreteLaplaceSampler extends BaseSampler {
  /** The scale b = t/s as an exact reduced rational. */
  readonly scale: Rational;
  private readonly tN: number;
  private readonly sN: number;
  private readonly useNumber: boolean;

  constructor(scale: RationalLike, opts?: SamplerOptions) {
    super(opts);
    this.scale = positiveRational(scale, 'discrete Laplace scale');
    this.useNumber = opts?.arithmetic !== 'bigint' && this.scale.num <= MAX_SAFE_BIG && this.scale.den <= MAX_SAFE_BIG;
    this.tN = Number(this.scale.num);
    this.sN = Number(this.scale.den);
  }

  next(): number {
    return this.useNumber ? laplaceNum(this.draw, this.tN, this.sN) : toSafe(laplaceBig(this.draw, this.scale.num, this.scale.den));
  }

  nextBigInt(): bigint {
    return this.useNumber ? BigInt(laplaceNum(this.draw, this.tN, this.sN)) : laplaceBig(this.draw, this.scale.num, this.scale.den);
  }
}

/** Parameters of the discrete Gaussian: either σ² (exact rational, preferred) or σ (then σ² = σ·σ exactly). */
export type GaussianParams = { sigma2: RationalLike; sigma?: undefined } | { sigma: RationalLike; sigma2?: undefined };

/** Resolves {sigma} or {sigma2} to the exact rational σ² > 0. */
export function resolveSigma2(params: GaussianParams): Rational {
  if (params.sigma2 !== undefined && params.sigma !== undefined) throw new TypeError('give sigma or sigma2, not both');
  if (params.sigma2 !== undefined) return positiveRational(params.sigma2, 'sigma2');
  if (params.sigma === undefined) throw new TypeError('sigma or sigma2 is required');
  const s = positiveRational(params.sigma, 'sigma');
  return mul(s, s);
}

/**
 * Discrete Gaussian N_Z(0, σ²): P[Y = y] = e^{-y²/(2σ²)} / Σ_{z∈Z} e^{-z²/(2σ²)}.
 * Exact (CKS20 Algorithm 3). σ² is an exact rational.
 */
export class DiscreteGaussianSampler extends BaseSampler {
  /** σ² = p/q, exact and reduced. */
  readonly sigma2: Rational;
  /** Proposal scale t = floor(σ) + 1. */
  readonly t: bigint;
  private readonly useNumber: boolean;
  private readonly p: bigint;
  private readonly qt: bigint;
  private readonly den: bigint;
  private readonly tN: number;
  private readonly pN: number;
  private readonly qtN: number;
  private readonly denN: number;

  constructor(params: GaussianParams, opts?: SamplerOptions) {
    super(opts);
    this.sigma2 = resolveSigma2(params);
    const { num: p, den: q } = this.sigma2;
    this.t = floorSqrt(this.sigma2) + 1n;
    this.p = p;
    this.qt = q * this.t;
    // γ(Y) = (|Y| - σ²/t)² / (2σ²) = (|Y|·q·t - p)² / (2·p·q·t²)
    this.den = 2n * p * q * this.t * this.t;
    this.useNumber = opts?.arithmetic !== 'bigint' && this.den <= MAX_SAFE_BIG && this.qt <= MAX_SAFE_BIG;
    this.tN = Number(this.t);
    this.pN = Number(p);
    this.qtN = Number(this.qt);
    this.denN = Number(this.den);
  }

  /** Number path: returns the sample, or computes the acceptance test on bigint if the numerator would overflow. */
  private nextNum(): number {
    const d = this.draw;
    for (;;) {
      const y = laplaceNum(d, this.tN, 1);
      const ay = y < 0 ? -y : y;
      const a0 = ay * this.qtN;
      let accept: boolean;
      if (a0 <= MAX_SAFE) {
        const a = a0 - this.pN;
        const num = a * a;
        accept = num <= MAX_SAFE ? bernExpNeg(d, num, this.denN) : this.acceptBig(BigInt(ay));
      } else {
        accept = this.acceptBig(BigInt(ay));
      }
      if (accept) return y;
    }
  }

  private acceptBig(ay: bigint): boolean {
    const a = ay * this.qt - this.p;
    return bernExpNegBig(this.draw, a * a, this.den);
  }

  private nextBig(): bigint {
    for (;;) {
      const y = laplaceBig(this.draw, this.t, 1n);
      if (this.acceptBig(y < 0n ? -y : y)) return y;
    }
  }

  next(): number {
    return this.useNumber ? this.nextNum() : toSafe(this.nextBig());
  }

  nextBigInt(): bigint {
    return this.useNumber ? BigInt(this.nextNum()) : this.nextBig();
  }
}

/** Bernoulli(exp(-γ)) for an exact rational γ >= 0 (CKS20 Algorithm 1). Exposed for tests and reuse. */
export function sampleBernoulliExp(gamma: RationalLike, rng: RandomSource): boolean {
  const g = toRational(gamma);
  if (g.num < 0n) throw new RangeError('gamma must be >= 0');
  return bernExpNegBig(new Draw(rng), g.num, g.den);
}

/** Bernoulli(p) for an exact rational p in [0, 1]. */
export function sampleBernoulli(p: RationalLike, rng: RandomSource): boolean {
  const r = toRational(p);
  if (r.num < 0n || r.num > r.den) throw new RangeError('p must be in [0, 1]');
  return bernRatioBig(new Draw(rng), r.num, r.den);
}

/** Convenience: `count` discrete Gaussian samples. */
export function sampleDiscreteGaussian(params: GaussianParams, count: number, opts?: SamplerOptions): number[] {
  return new DiscreteGaussianSampler(params, opts).sample(count);
}

/** Convenience: `count` discrete Laplace samples with scale b. */
export function sampleDiscreteLaplace(scale: RationalLike, count: number, opts?: SamplerOptions): number[] {
  return new DiscreteLaplaceSampler(scale, opts).sample(count);
}
