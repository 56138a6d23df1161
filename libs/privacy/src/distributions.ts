/**
 * Probability mass functions and moments of the discrete Gaussian and discrete Laplace,
 * in floating point. For utility analysis, documentation and goodness-of-fit tests only;
 * the samplers never use these (they are exact, see samplers.ts).
 *
 * Definitions follow Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential
 * Privacy" (NeurIPS 2020, arXiv:2004.00010): Definition 1 (N_Z(0, σ²) with mass
 * ∝ exp(-x²/(2σ²)) on Z) and the discrete Laplace Lap_Z(b) with mass ∝ exp(-|x|/b).
 * CKS20 also show Var[N_Z(0,σ²)] < σ², which `discreteGaussianVariance` lets callers check.
 */

/** Terms to sum: the mass beyond |k| = 40σ + 20 is below 1e-300 relative. */
function gaussianRange(sigma: number): number {
  return Math.ceil(40 * sigma + 20);
}

/** Σ_{k∈Z} exp(-k²/(2σ²)). */
export function discreteGaussianNormalizer(sigma: number): number {
  checkPositive(sigma, 'sigma');
  const r = gaussianRange(sigma);
  const s2 = 2 * sigma * sigma;
  let z = 1;
  for (let k = r; k >= 1; k--) z += 2 * Math.exp(-(k * k) / s2); // small terms first
  return z;
}

/** P[N_Z(0, σ²) = k]. */
export function discreteGaussianPmf(sigma: number, k: number, normalizer = discreteGaussianNormalizer(sigma)): number {
  return Math.exp(-(k * k) / (2 * sigma * sigma)) / normalizer;
}

/** Var[N_Z(0, σ²)] (which is < σ², CKS20). */
export function discreteGaussianVariance(sigma: number): number {
  const z = discreteGaussianNormalizer(sigma);
  const r = gaussianRange(sigma);
  const s2 = 2 * sigma * sigma;
  let v = 0;
  for (let k = r; k >= 1; k--) v += 2 * k * k * Math.exp(-(k * k) / s2);
  return v / z;
}

/** P[Lap_Z(b) = k] = (1 - e^{-1/b}) / (1 + e^{-1/b}) · e^{-|k|/b}. */
export function discreteLaplacePmf(scale: number, k: number): number {
  checkPositive(scale, 'scale');
  const q = Math.exp(-1 / scale);
  return ((1 - q) / (1 + q)) * Math.exp(-Math.abs(k) / scale);
}

/** P[|Lap_Z(b)| >= m] for m >= 1: 2 q^m / (1 + q), q = e^{-1/b}. */
export function discreteLaplaceTail(scale: number, m: number): number {
  const q = Math.exp(-1 / scale);
  return (2 * Math.pow(q, m)) / (1 + q);
}

/** Var[Lap_Z(b)] = 2q / (1 - q)², q = e^{-1/b}. */
export function discreteLaplaceVariance(scale: number): number {
  checkPositive(scale, 'scale');
  const q = Math.exp(-1 / scale);
  return (2 * q) / ((1 - q) * (1 - q));
}

function checkPositive(x: number, name: string): void {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`${name} must be a positive finite number, got ${x}`);
}
