/**
 * Additive-noise mechanisms on integer vectors with a declared sensitivity.
 *
 * - Discrete Gaussian mechanism: C. Canonne, G. Kamath, T. Steinke, "The Discrete Gaussian
 *   for Differential Privacy", NeurIPS 2020 (arXiv:2004.00010). Independent N_Z(0, σ²) on
 *   each coordinate of an integer vector whose L2 sensitivity is Δ₂ gives (Δ₂²/(2σ²))-zCDP
 *   (CKS20 Thm 4 in one dimension, Thm 14 for vectors).
 * - Discrete Laplace (geometric) mechanism: Ghosh, Roughgarden, Sundararajan, "Universally
 *   Utility-Maximizing Privacy Mechanisms", STOC 2009; sampler from CKS20 Algorithm 2.
 *   Independent Lap_Z(b) on each coordinate with L1 sensitivity Δ₁ gives (Δ₁/b)-DP.
 * - Distributed discrete Gaussian share (Kairouz, Liu, Steinke, ICML 2021): each store adds
 *   its own N_Z(0, σ_i²) share; see distributed.ts for what the sum guarantees.
 *
 * The sensitivity is DECLARED by the caller (e.g. from contribution.ts); this module does not
 * and cannot verify it. Neighbouring datasets are add/remove-one-contributor.
 */
import { Rational, RationalLike, toRational } from './rational';
import { DiscreteGaussianSampler, DiscreteLaplaceSampler, GaussianParams, SamplerOptions, resolveSigma2 } from './samplers';
import { PrivacyCost, gaussianRho } from './zcdp';
import { calibrateGaussianSigma, calibrateLaplaceScale, laplaceEpsilon } from './calibration';

export type GaussianMechanismParams =
  | { sigma: RationalLike; sigma2?: undefined; epsilon?: undefined; l2Sensitivity: number }
  | { sigma2: RationalLike; sigma?: undefined; epsilon?: undefined; l2Sensitivity: number }
  /** Calibrate σ from (ε, δ) via ρ-zCDP and the CKS20 conversion. */
  | { epsilon: number; delta: number; sigma?: undefined; sigma2?: undefined; l2Sensitivity: number };

export interface GaussianRelease<T> {
  values: T[];
  sigma2: Rational;
  l2Sensitivity: number;
  rho: number;
  cost: PrivacyCost;
}

export type LaplaceMechanismParams =
  | { scale: RationalLike; epsilon?: undefined; l1Sensitivity: number }
  /** Calibrate b = Δ₁/ε. */
  | { epsilon: number; scale?: undefined; l1Sensitivity: number };

export interface LaplaceRelease<T> {
  values: T[];
  scale: Rational;
  l1Sensitivity: number;
  epsilon: number;
  cost: PrivacyCost;
}

function checkSensitivity(x: number, name: string): void {
  if (typeof x !== 'number' || !(x >= 0) || !Number.isFinite(x)) throw new RangeError(`${name} must be a finite number >= 0, got ${x}`);
}

function checkIntegers(values: readonly (number | bigint)[]): void {
  if (!Array.isArray(values)) throw new TypeError('values must be an array of integers');
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'bigint') continue;
    if (!Number.isSafeInteger(v)) throw new RangeError(`values[${i}] is not a safe integer: ${v}`);
  }
}

function addNoise<T extends number | bigint>(values: readonly T[], sampler: { next(): number; nextBigInt(): bigint }): T[] {
  return values.map((v) => {
    if (typeof v === 'bigint') return (v + sampler.nextBigInt()) as T;
    const r = (v as number) + sampler.next();
    if (!Number.isSafeInteger(r)) throw new RangeError('noisy value is not a safe integer; use bigint inputs');
    return r as T;
  });
}

function gaussianSigma2(params: GaussianMechanismParams): Rational {
  if (params.epsilon !== undefined) {
    const sigma = calibrateGaussianSigma({ epsilon: params.epsilon, delta: params.delta, l2Sensitivity: params.l2Sensitivity });
    return resolveSigma2({ sigma });
  }
  return resolveSigma2(params as GaussianParams);
}

/** Adds independent N_Z(0, σ²) to every coordinate; reports ρ = Δ₂²/(2σ²). */
export function discreteGaussianMechanism(values: readonly number[], params: GaussianMechanismParams, opts?: SamplerOptions): GaussianRelease<number>;
export function discreteGaussianMechanism(values: readonly bigint[], params: GaussianMechanismParams, opts?: SamplerOptions): GaussianRelease<bigint>;
export function discreteGaussianMechanism(values: readonly (number | bigint)[], params: GaussianMechanismParams, opts?: SamplerOptions): GaussianRelease<number | bigint> {
  checkSensitivity(params.l2Sensitivity, 'l2Sensitivity');
  checkIntegers(values);
  const sigma2 = gaussianSigma2(params);
  const sampler = new DiscreteGaussianSampler({ sigma2 }, opts);
  const rho = gaussianRho(params.l2Sensitivity, sigma2);
  return { values: addNoise(values, sampler), sigma2, l2Sensitivity: params.l2Sensitivity, rho, cost: { kind: 'zcdp', rho } };
}

/** Adds independent Lap_Z(b) to every coordinate; reports pure ε = Δ₁/b. */
export function discreteLaplaceMechanism(values: readonly number[], params: LaplaceMechanismParams, opts?: SamplerOptions): LaplaceRelease<number>;
export function discreteLaplaceMechanism(values: readonly bigint[], params: LaplaceMechanismParams, opts?: SamplerOptions): LaplaceRelease<bigint>;
export function discreteLaplaceMechanism(values: readonly (number | bigint)[], params: LaplaceMechanismParams, opts?: SamplerOptions): LaplaceRelease<number | bigint> {
  checkSensitivity(params.l1Sensitivity, 'l1Sensitivity');
  checkIntegers(values);
  const scale = toRational(params.epsilon !== undefined ? calibrateLaplaceScale({ epsilon: params.epsilon, l1Sensitivity: params.l1Sensitivity }) : params.scale);
  const sampler = new DiscreteLaplaceSampler(scale, opts);
  const epsilon = laplaceEpsilon({ scale, l1Sensitivity: params.l1Sensitivity });
  return { values: addNoise(values, sampler), scale, l1Sensitivity: params.l1Sensitivity, epsilon, cost: { kind: 'pure', epsilon } };
}

/**
 * One store's share of distributed discrete Gaussian noise: `dimension` independent
 * N_Z(0, σ_i²) draws (use distributedGaussianShare / calibrateDistributedGaussian for σ_i²).
 * The privacy of the aggregate is reported by distributedGaussianGuarantee, not here.
 */
export function distributedGaussianNoise(dimension: number, share: GaussianParams, opts?: SamplerOptions): number[] {
  if (!Number.isSafeInteger(dimension) || dimension < 0) throw new RangeError(`dimension must be a non-negative integer, got ${dimension}`);
  return new DiscreteGaussianSampler(share, opts).sample(dimension);
}

/** A store's vector plus its noise share (values + N_Z(0, σ_i²)^d). */
export function addDistributedGaussianShare(values: readonly number[], share: GaussianParams, opts?: SamplerOptions): number[];
export function addDistributedGaussianShare(values: readonly bigint[], share: GaussianParams, opts?: SamplerOptions): bigint[];
export function addDistributedGaussianShare(values: readonly (number | bigint)[], share: GaussianParams, opts?: SamplerOptions): (number | bigint)[] {
  checkIntegers(values);
  return addNoise(values, new DiscreteGaussianSampler(share, opts));
}
