/**
 * Noise calibration: the noise scale for a target (ε, δ) and the inverse.
 *
 * - Discrete Gaussian (Canonne, Kamath, Steinke, NeurIPS 2020, arXiv:2004.00010):
 *   L2 sensitivity Δ and σ give ρ = Δ²/(2σ²)-zCDP (CKS20 Thm 4/14), converted to (ε, δ)
 *   with CKS20 Prop 12 / Cor 13 (see zcdp.ts). Calibration takes the largest admissible ρ
 *   for (ε, δ) and sets σ = Δ/√(2ρ), rounded up until the exact ρ of the returned σ
 *   (σ² = σ·σ as an exact rational, exactly what the sampler uses) is within budget.
 * - Discrete Laplace / geometric mechanism (Ghosh, Roughgarden, Sundararajan, STOC 2009;
 *   CKS20 Sec. 5 for the sampler): L1 sensitivity Δ and scale b give (Δ/b)-DP, so b = Δ/ε,
 *   rounded up so that the exact Δ/b <= ε.
 */
import { Rational, RationalLike, compare, div, fromNumber, mul, toRational } from './rational';
import { nextUp, toNumberUp } from './float';
import { epsilonToRho, gaussianRhoFromSigma, zcdpToEpsilon } from './zcdp';

export interface GaussianCalibration {
  /** Target ε and δ. */
  epsilon: number;
  delta: number;
  /** L2 sensitivity of the integer-valued query (add/remove one contributor). */
  l2Sensitivity: number;
}

function positive(x: number, name: string): void {
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) throw new RangeError(`${name} must be a positive finite number, got ${x}`);
}

/**
 * σ of the discrete Gaussian so that the release is (ε, δ)-DP (via ρ-zCDP and the CKS20
 * conversion). The result is the smallest double σ found with gaussianRhoFromSigma(Δ, σ) <= ρ_max.
 */
export function calibrateGaussianSigma({ epsilon, delta, l2Sensitivity }: GaussianCalibration): number {
  positive(epsilon, 'epsilon');
  positive(l2Sensitivity, 'l2Sensitivity');
  const rhoMax = epsilonToRho(epsilon, delta);
  if (!(rhoMax > 0)) throw new RangeError(`no positive rho satisfies epsilon=${epsilon} at delta=${delta}`);
  let sigma = sigmaForRho(l2Sensitivity, rhoMax);
  // zcdpToEpsilon is a numerical minimum: make sure the accounting of the returned σ, done the
  // way callers will do it, meets the target (this moves σ by at most a few ulps).
  while (gaussianEpsilon({ sigma, delta, l2Sensitivity }) > epsilon) sigma = nextUp(sigma);
  return sigma;
}

/** The smallest double σ (approximately Δ/√(2ρ)) whose exact ρ = Δ²/(2σ²) is <= rho. */
export function sigmaForRho(l2Sensitivity: number, rho: number): number {
  positive(l2Sensitivity, 'l2Sensitivity');
  positive(rho, 'rho');
  let sigma = l2Sensitivity / Math.sqrt(2 * rho);
  while (gaussianRhoFromSigma(l2Sensitivity, sigma) > rho) sigma = nextUp(sigma);
  // Walk down while still admissible, so the result is (near-)minimal.
  for (let i = 0; i < 4; i++) {
    const lower = sigma - (nextUp(sigma) - sigma);
    if (lower > 0 && gaussianRhoFromSigma(l2Sensitivity, lower) <= rho) sigma = lower;
    else break;
  }
  return sigma;
}

/** The inverse of calibration: ε at δ of discrete Gaussian noise σ on a query with L2 sensitivity Δ. */
export function gaussianEpsilon({ sigma, delta, l2Sensitivity }: { sigma: RationalLike; delta: number; l2Sensitivity: RationalLike }): number {
  return zcdpToEpsilon(gaussianRhoFromSigma(l2Sensitivity, sigma), delta);
}

/** Discrete Laplace scale b = Δ₁/ε (pure ε-DP), rounded up so the exact Δ₁/b <= ε. */
export function calibrateLaplaceScale({ epsilon, l1Sensitivity }: { epsilon: number; l1Sensitivity: number }): number {
  positive(epsilon, 'epsilon');
  positive(l1Sensitivity, 'l1Sensitivity');
  const eps = fromNumber(epsilon);
  const d = fromNumber(l1Sensitivity);
  let b = toNumberUp(div(d, eps));
  while (compare(div(d, fromNumber(b)), eps) > 0) b = nextUp(b);
  return b;
}

/** The pure ε of discrete Laplace noise with scale b on a query with L1 sensitivity Δ₁: ε = Δ₁/b (rounded up). */
export function laplaceEpsilon({ scale, l1Sensitivity }: { scale: RationalLike; l1Sensitivity: RationalLike }): number {
  const b: Rational = toRational(scale);
  const d = toRational(l1Sensitivity);
  if (b.num <= 0n) throw new RangeError('scale must be > 0');
  if (d.num < 0n) throw new RangeError('l1Sensitivity must be >= 0');
  return toNumberUp(div(d, b));
}

/** σ² as the exact rational the sampler will use for a σ given as a number. */
export function sigmaSquared(sigma: RationalLike): Rational {
  const s = toRational(sigma);
  return mul(s, s);
}
