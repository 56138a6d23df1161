/**
 * Yardsticks for the federated release (used by the accuracy study and tests, never by a
 * round):
 *
 * - centralRelease: the trusted-curator reference. Same candidates, same clipping and
 *   quantisation, same ρ, but ONE discrete Gaussian draw of the calibrated σ on the sum of the
 *   stores' clipped vectors (Canonne, Kamath, Steinke, "The Discrete Gaussian for Differential
 *   Privacy", NeurIPS 2020). If federation costs nothing beyond DP, the federated release
 *   matches it.
 *
 * - naiveRelease: a central Gaussian release of given itemsets' utilities (typically the exact
 *   high-utility itemsets of the union, i.e. non-private candidate selection), each transaction's
 *   candidate-utility vector clipped at a NON-PRIVATE quantile of those norms, computed in the
 *   clear. What one gets without contribution design; not differentially private as a whole
 *   (both the itemsets and the clip bound look at the data).
 */
import type { UtilityDatabase } from '@tessera/huim';
import { calibrateGaussianSigma, DiscreteGaussianSampler, gaussianRhoFromSigma, zcdpToEpsilon, type RandomSource } from '@tessera/privacy';
import { contributionMatrix, rowUtilityNorm } from './contribution-matrix';
import { clippedSum } from './encode';
import { releaseFromSums, type RoundRelease } from './decode';
import { canonicalItemset, compareItemsets } from './itemset';
import { checkPlanDigest, type RoundPlan } from './plan';

/**
 * The trusted-curator release: Σ over `stores` of their clipped integer vectors, plus one
 * N_Z(0, plan.noise.centralSigma²) per coordinate. Its privacy is the ρ of that single draw.
 */
export function centralRelease(stores: readonly UtilityDatabase[], plan: RoundPlan, options: { random?: RandomSource } = {}): RoundRelease {
  checkPlanDigest(plan);
  if (stores.length === 0) throw new RangeError('centralRelease needs at least one store database');
  const total = new Array<number>(plan.layout.length).fill(0);
  for (const db of stores) {
    const sum = clippedSum(db, plan);
    for (let i = 0; i < total.length; i++) total[i] += sum.values[i];
  }
  const sigma = plan.noise.centralSigma;
  const noise = new DiscreteGaussianSampler({ sigma }, options.random ? { rng: options.random } : undefined).sample(total.length);
  for (let i = 0; i < total.length; i++) total[i] += noise[i];
  const release = releaseFromSums(total, plan, { std: sigma, survivors: stores.length, mechanism: 'central-discrete-gaussian' });
  const rho = gaussianRhoFromSigma(plan.quantisation.l2Sensitivity, sigma);
  const roundRho = rho + plan.privacy.calibrationRho;
  release.privacy = { ...plan.privacy, rho, roundRho, epsilon: zcdpToEpsilon(roundRho, plan.privacy.delta) };
  return release;
}

export interface NaiveReleaseOptions {
  epsilon: number;
  delta?: number;
  /** Quantile of the non-zero per-transaction norms used as the clip bound (default 0.99), computed in the clear. */
  clipQuantile?: number;
  /** Publish only itemsets whose noisy utility is >= this fraction of the database's exact total utility (default 0). */
  minUtilityFraction?: number;
  random?: RandomSource;
}

export interface NaiveRelease {
  /** Published itemsets by noisy utility, descending. */
  patterns: { items: string[]; utility: number }[];
  /** The clip bound used (utility units). */
  clip: number;
  /** σ of the noise, in utility units. */
  sigma: number;
}

/** The naive yardstick (see the module comment). */
export function naiveRelease(db: UtilityDatabase, itemsets: readonly (readonly (string | number)[])[], options: NaiveReleaseOptions): NaiveRelease {
  const quantile = options.clipQuantile ?? 0.99;
  if (!(quantile > 0 && quantile <= 1)) throw new RangeError(`clipQuantile must be in (0, 1], got ${quantile}`);
  const candidates = itemsets.map((items, i) => canonicalItemset(items, `itemset ${i + 1}`));
  const matrix = contributionMatrix(db, candidates);
  const norms: number[] = [];
  for (let t = 0; t < matrix.transactions; t++) if (matrix.rows[t + 1] > matrix.rows[t]) norms.push(rowUtilityNorm(matrix, t));
  norms.sort((a, b) => a - b);
  const clip = Math.max(1, norms.length ? norms[Math.min(norms.length - 1, Math.ceil(quantile * norms.length) - 1)] : 1);
  // Integer cents per transaction, norm <= clip after rounding (shrink by the rounding slack first).
  const sums = new Array<number>(candidates.length).fill(0);
  for (let t = 0; t < matrix.transactions; t++) {
    const start = matrix.rows[t];
    const held = matrix.rows[t + 1] - start;
    if (held === 0) continue;
    const norm = rowUtilityNorm(matrix, t);
    const allowed = Math.max(clip - Math.sqrt(held) / 2, clip / 2);
    const factor = norm > allowed ? allowed / norm : 1;
    for (let j = 0; j < held; j++) sums[matrix.candidate[start + j]] += Math.round(matrix.utility[start + j] * factor);
  }
  const sigma = calibrateGaussianSigma({ epsilon: options.epsilon, delta: options.delta ?? 1e-5, l2Sensitivity: clip });
  const noise = new DiscreteGaussianSampler({ sigma }, options.random ? { rng: options.random } : undefined).sample(sums.length);
  const threshold = (options.minUtilityFraction ?? 0) * db.totalUtility;
  const patterns = candidates
    .map((items, c) => ({ items, utility: sums[c] + noise[c] }))
    .filter((p) => p.utility >= threshold && p.utility > 0)
    .sort((a, b) => b.utility - a.utility || compareItemsets(a.items, b.items));
  return { patterns, clip, sigma };
}

