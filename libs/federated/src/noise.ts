/**
 * Noise shares of the distributed discrete Gaussian (P. Kairouz, Z. Liu, T. Steinke, "The
 * Distributed Discrete Gaussian Mechanism for Federated Learning with Secure Aggregation",
 * ICML 2021) for a target zCDP budget ρ, and the two's-complement encoding of signed integers
 * into the Z/2^32 words secure aggregation sums.
 *
 * Calibration: the smallest per-store σ_i (>= 1/2) whose guaranteed ρ, WORST case over every
 * survivor count in [minSurvivors, participants], is within the budget (bisection on σ_i over
 * @tessera/privacy's `distributedGaussianWorstCase`). Shares are calibrated for the fewest
 * survivors the round accepts, so any larger survivor set only adds noise.
 */
import {
  DiscreteGaussianSampler,
  RandomSource,
  distributedGaussianWorstCase,
  formatRational,
  rational,
  toRational,
  type DistributedGaussianGuarantee,
  type Rational,
} from '@tessera/privacy';

export interface NoiseShare {
  /** Per-store σ_i (double); the sampler uses σ_i² = σ_i·σ_i exactly. */
  shareSigma: number;
  /** σ_i² as an exact rational "num/den" (what stores feed their sampler). */
  shareSigma2: string;
  /** Guarantee in the worst survivor count. */
  guarantee: DistributedGaussianGuarantee;
}

function exactSquare(sigma: number): Rational {
  const r = toRational(sigma);
  return rational(r.num * r.num, r.den * r.den);
}

/**
 * Smallest σ_i >= 1/2 such that `survivors` stores in [minSurvivors, participants], each adding
 * N_Z(0, σ_i²) to a vector of `dimension` integers with L2 sensitivity `l2Sensitivity`, are
 * ρ-zCDP with ρ <= `rho` (KLS21, as implemented by @tessera/privacy).
 */
export function calibrateNoiseShare(input: { rho: number; l2Sensitivity: number; dimension: number; minSurvivors: number; participants: number; delta: number }): NoiseShare {
  const { rho, l2Sensitivity, dimension, minSurvivors, participants, delta } = input;
  if (!(rho > 0) || !Number.isFinite(rho)) throw new RangeError(`rho must be a positive number, got ${rho}`);
  const worst = (sigma: number): DistributedGaussianGuarantee =>
    distributedGaussianWorstCase({ shareSigma2: exactSquare(sigma), l2Sensitivity, dimension, minSurvivors, maxSurvivors: participants, delta });
  let lo = 0.5;
  let hi = Math.max(0.5, l2Sensitivity / Math.sqrt(2 * rho * minSurvivors));
  while (worst(hi).rho > rho) {
    lo = hi;
    hi *= 1.25;
    if (hi > 1e15) throw new RangeError('no noise share meets the budget');
  }
  if (worst(lo).rho <= rho) hi = lo;
  for (let i = 0; i < 200 && hi - lo > hi * 1e-13; i++) {
    const mid = lo + (hi - lo) / 2;
    if (worst(mid).rho <= rho) hi = mid;
    else lo = mid;
  }
  return { shareSigma: hi, shareSigma2: formatRational(exactSquare(hi)), guarantee: worst(hi) };
}

/** `dimension` independent N_Z(0, σ_i²) draws (CSPRNG unless a test injects `random`). */
export function sampleNoiseShare(shareSigma2: string, dimension: number, random?: RandomSource): number[] {
  const sampler = new DiscreteGaussianSampler({ sigma2: shareSigma2 }, random ? { rng: random } : undefined);
  return sampler.sample(dimension);
}

const TWO_32 = 4294967296;

/** A safe integer, reduced modulo 2^32 (two's complement for negatives). */
export function toWord(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  const r = value % TWO_32;
  return r < 0 ? r + TWO_32 : r;
}

/** A 32-bit word read as a signed integer in [-2^31, 2^31). */
export function fromWord(word: number): number {
  return word | 0;
}

/** Adds Uint32 vectors modulo 2^32 (the same sum secure aggregation reveals). */
export function addWords(vectors: readonly Uint32Array[]): Uint32Array {
  if (vectors.length === 0) throw new RangeError('nothing to add');
  const out = new Uint32Array(vectors[0].length);
  for (const v of vectors) {
    if (v.length !== out.length) throw new RangeError(`vector lengths differ: ${v.length} vs ${out.length}`);
    for (let i = 0; i < v.length; i++) out[i] = (out[i] + v[i]) >>> 0;
  }
  return out;
}
