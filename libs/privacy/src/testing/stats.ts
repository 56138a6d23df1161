/**
 * Test-only statistics: chi-square goodness of fit with its p-value, normal CDF, and the
 * exact (ε, δ) curve of the continuous Gaussian mechanism (Balle and Wang, "Improving the
 * Gaussian Mechanism for Differential Privacy: Analytical Calibration and Optimal Denoising",
 * ICML 2018, Theorem 8) used as an independent reference for the zCDP conversion.
 * Not exported from the package entry point.
 */

// Lanczos approximation (g = 7, 9 coefficients) of log Γ(a), a > 0.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
export function logGamma(a: number): number {
  if (a < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * a))) - logGamma(1 - a);
  const x = a - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // Series for P(a, x).
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return 1 - sum * Math.exp(logPrefix);
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  const TINY = 1e-300;
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(logPrefix) * h;
}

/** P[χ²_df >= stat]. */
export function chiSquarePValue(stat: number, df: number): number {
  return gammaQ(df / 2, stat / 2);
}

/** Standard normal CDF, accurate in the tails (erfc via Q(1/2, x²/2)). */
export function normalCdf(x: number): number {
  const tail = 0.5 * gammaQ(0.5, (x * x) / 2); // P[Z >= |x|]
  return x >= 0 ? 1 - tail : tail;
}

export interface ChiSquareResult {
  stat: number;
  df: number;
  pValue: number;
  bins: number;
}

/**
 * Chi-square goodness of fit of integer samples to a symmetric-or-not pmf on Z.
 * Bins: every integer in (lo, hi) alone, plus the two tails (-∞, lo] and [hi, ∞), where lo/hi
 * are the outermost points whose expected count is >= minExpected.
 */
export function chiSquareIntegers(samples: ArrayLike<number>, pmf: (k: number) => number, opts: { minExpected?: number; center?: number } = {}): ChiSquareResult {
  const n = samples.length;
  const minExp = opts.minExpected ?? 20;
  const c = opts.center ?? 0;
  let hi = c;
  while (n * pmf(hi + 1) >= minExp) hi++;
  let lo = c;
  while (n * pmf(lo - 1) >= minExp) lo--;
  // Tails: sum the pmf far enough out (the pmfs used here decay at least geometrically).
  const tailSum = (start: number, dir: 1 | -1): number => {
    let s = 0;
    for (let k = start, i = 0; i < 1_000_000; k += dir, i++) {
      const p = pmf(k);
      s += p;
      if (p < 1e-20 * s && i > 10) break;
    }
    return s;
  };
  const counts = new Map<number, number>();
  let lowTail = 0;
  let highTail = 0;
  for (let i = 0; i < n; i++) {
    const v = samples[i];
    if (v <= lo) lowTail++;
    else if (v >= hi) highTail++;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  let stat = 0;
  let bins = 0;
  const addBin = (obs: number, exp: number): void => {
    stat += ((obs - exp) * (obs - exp)) / exp;
    bins++;
  };
  addBin(lowTail, n * tailSum(lo, -1));
  addBin(highTail, n * tailSum(hi, 1));
  for (let k = lo + 1; k < hi; k++) addBin(counts.get(k) ?? 0, n * pmf(k));
  const df = bins - 1;
  return { stat, df, pValue: chiSquarePValue(stat, df), bins };
}

export function meanAndVariance(samples: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < samples.length; i++) s += samples[i];
  const mean = s / samples.length;
  let v = 0;
  for (let i = 0; i < samples.length; i++) v += (samples[i] - mean) * (samples[i] - mean);
  return { mean, variance: v / (samples.length - 1) };
}

/** Exact δ(ε) of the continuous Gaussian mechanism with sensitivity Δ and noise σ (Balle–Wang 2018). */
export function analyticGaussianDelta(epsilon: number, sigma: number, sensitivity = 1): number {
  const a = sensitivity / (2 * sigma);
  const b = (epsilon * sigma) / sensitivity;
  return normalCdf(a - b) - Math.exp(epsilon) * normalCdf(-a - b);
}

/** Exact smallest ε at δ for the continuous Gaussian mechanism (bisection on ε). */
export function analyticGaussianEpsilon(sigma: number, delta: number, sensitivity = 1): number {
  let lo = 0;
  let hi = 1;
  while (analyticGaussianDelta(hi, sigma, sensitivity) > delta) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (analyticGaussianDelta(mid, sigma, sensitivity) > delta) lo = mid;
    else hi = mid;
  }
  return hi;
}
