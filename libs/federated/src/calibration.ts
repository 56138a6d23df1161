/**
 * Private clip calibration: an optional first aggregation of the measurement step that spends
 * a small part of the round's budget on noisy histograms of what the clip bounds act on, so
 * the bounds are chosen from the data without looking at it in the clear.
 *
 * Idea from adaptive clipping (G. Andrew, O. Thakkar, H. B. McMahan, S. Ramaswamy,
 * "Differentially Private Learning with Adaptive Clipping", NeurIPS 2021: clip at a privately
 * estimated quantile of the update norms) and the bias/variance view of contribution bounds
 * (K. Amin, A. Kulesza, A. Muñoz Medina, S. Vassilvitskii, "Bounding User Contributions: A
 * Bias-Variance Trade-off in Differential Privacy", ICML 2019). Implemented here in one shot
 * rather than iteratively: every store sums, over its transactions, one-hot vectors of three
 * log-binned histograms, of
 *   - the L2 norm of the transaction's candidate-utility vector (transactions holding >= 1 candidate),
 *   - the number of candidates the transaction holds (same transactions),
 *   - the transaction's own utility (all transactions);
 * so one transaction changes at most three counts by one: L2 sensitivity √3. The sum goes
 * through secure aggregation with distributed discrete Gaussian shares like the measurement.
 * The hub reads each quantile off the noisy counts (bins below three noise standard deviations
 * read as empty, and only the run of bins around the mode kept), walking down from the top bin until the tail exceeds (1 - q) of the total,
 * and takes the upper edge of that bin.
 *
 * Reliability: a tail of T transactions is estimated with noise of about σ·√(bins above it);
 * quantiles whose tail holds only a few dozen transactions are not resolvable at small ε.
 */
import { epsilonToRho, zcdpToEpsilon, type RandomSource } from '@tessera/privacy';
import type { UtilityDatabase } from '@tessera/huim';
import type { ClipQuantiles, RoundConfig } from './config';
import { minimumK, type CandidateSelection } from './candidates';
import { contributionMatrix, rowUtilityNorm } from './contribution-matrix';
import { canonicalItemset } from './itemset';
import { calibrateNoiseShare, fromWord, sampleNoiseShare, toWord } from './noise';
import { checkPlanDigest, noiseTailBound, planDigest, sqrtUp, type ClipBounds, type OverflowCheck } from './plan';
import { checkSurvivors } from './survivors';

export interface CalibrationLayout {
  length: number;
  utilityNorm: number;
  supportCount: number;
  transactionUtility: number;
}

export interface CalibrationPlan {
  kind: 'tessera.federated.calibration-plan/v1';
  roundId: string;
  candidates: string[][];
  participants: number;
  minSurvivors: number;
  maxTransactionsPerStore: number;
  epsilon: number;
  delta: number;
  quantiles: ClipQuantiles;
  /** Lower bin edges (ascending); a value falls in the last bin whose edge is <= it (bin 0 also takes smaller values). */
  edges: { utilityNorm: number[]; supportCount: number[]; transactionUtility: number[] };
  layout: CalibrationLayout;
  noise: { shareSigma: number; shareSigma2: string };
  overflow: OverflowCheck;
  /** ρ of the calibration release (worst case over survivor counts); the measurement gets the rest of the round budget. */
  privacy: { rho: number; epsilon: number; delta: number; unit: 'transaction' };
  digest: string;
}

export interface NoisyHistogram {
  edges: number[];
  /** Noisy counts per bin (integers, may be negative). */
  counts: number[];
}

export interface Calibration {
  /** Clip bounds read off the histograms at the plan's quantiles. */
  clip: ClipBounds;
  /** Noisy number of transactions of the survivors. */
  transactions: number;
  /** Noisy number of transactions holding at least one candidate. */
  holdingTransactions: number;
  histograms: { utilityNorm: NoisyHistogram; supportCount: NoisyHistogram; transactionUtility: NoisyHistogram };
  /** Noise standard deviation of each count. */
  countStd: number;
  /** False if a histogram had no significant bin (its bound is then the largest edge: supply a public bound instead). */
  reliable: boolean;
}

const INT32_LIMIT = 2147483647;
/** Counts below this many noise standard deviations are read as empty bins. */
const DENOISE_STDS = 2;
/** Raw bins kept above the significant run (a factor 2^(6/2) = 8 in utility): where heavy tails live. */
const TAIL_BINS = 6;

/** Edges 0, 1, √2, 2, 2√2, ... up to 2^32 (utilities in the stores' units, e.g. cents). */
export function utilityEdges(): number[] {
  const edges = [0];
  for (let j = 0; j <= 64; j++) edges.push(2 ** (j / 2));
  return edges;
}

/** Edges 1..16, then ×1.5 steps (rounded) up to at least `candidates`. */
export function supportCountEdges(candidates: number): number[] {
  const edges: number[] = [];
  for (let k = 1; k <= 16; k++) edges.push(k);
  let next = 16;
  while (next <= candidates) {
    next = Math.ceil(next * 1.5);
    edges.push(next);
  }
  return edges;
}

/** Index of the bin holding `value`. */
export function binOf(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (edges[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Plan the calibration release of a round (config.calibrationShare of its ρ). */
export function planCalibration(
  config: RoundConfig,
  input: { participants: number; candidates: CandidateSelection | readonly (readonly (string | number)[])[]; roundId?: string },
): CalibrationPlan {
  const { participants } = input;
  if (!Number.isSafeInteger(participants) || participants < config.minStores) throw new RangeError(`calibration plan: participants must be an integer >= minStores (${config.minStores}), got ${participants}`);
  if (config.k < minimumK(participants)) throw new RangeError(`calibration plan: k = ${config.k} is below min(5, participants) = ${minimumK(participants)}`);
  if (!(config.calibrationShare > 0)) throw new RangeError('calibration plan: config.calibrationShare is 0; give public clip bounds to planRound instead');
  const raw = Array.isArray(input.candidates) ? (input.candidates as readonly (readonly (string | number)[])[]) : (input.candidates as CandidateSelection).itemsets;
  const candidates = raw.map((items, i) => canonicalItemset(items, `candidate ${i + 1}`));
  if (candidates.length === 0) throw new RangeError('calibration plan: the candidate list is empty');
  const edges = { utilityNorm: utilityEdges(), supportCount: supportCountEdges(candidates.length), transactionUtility: utilityEdges() };
  const layout: CalibrationLayout = {
    utilityNorm: 0,
    supportCount: edges.utilityNorm.length,
    transactionUtility: edges.utilityNorm.length + edges.supportCount.length,
    length: edges.utilityNorm.length + edges.supportCount.length + edges.transactionUtility.length,
  };
  const rho = config.calibrationShare * epsilonToRho(config.epsilon, config.delta);
  const share = calibrateNoiseShare({ rho, l2Sensitivity: sqrtUp(3), dimension: layout.length, minSurvivors: config.minStores, participants, delta: config.delta });
  const maxAbsSignal = participants * config.maxTransactionsPerStore;
  const tail = noiseTailBound(share.shareSigma, participants, layout.length);
  if (maxAbsSignal + tail > INT32_LIMIT) throw new RangeError('calibration plan: maxTransactionsPerStore × participants does not fit a 32-bit sum');
  const withoutDigest = {
    kind: 'tessera.federated.calibration-plan/v1' as const,
    roundId: input.roundId ?? '',
    candidates,
    participants,
    minSurvivors: config.minStores,
    maxTransactionsPerStore: config.maxTransactionsPerStore,
    epsilon: config.epsilon,
    delta: config.delta,
    quantiles: { ...config.clipQuantiles },
    edges,
    layout,
    noise: { shareSigma: share.shareSigma, shareSigma2: share.shareSigma2 },
    overflow: { maxAbsSignal, noiseTailBound: tail, failureProbability: 2 ** -64, limit: INT32_LIMIT },
    privacy: { rho: share.guarantee.rho, epsilon: zcdpToEpsilon(share.guarantee.rho, config.delta), delta: config.delta, unit: 'transaction' as const },
  };
  return { ...withoutDigest, digest: planDigest(withoutDigest) };
}

/** A store's exact histogram counts (no noise: never send this; see encodeCalibration). */
export function calibrationCounts(db: UtilityDatabase, plan: CalibrationPlan): number[] {
  checkPlanDigest(plan);
  if (db.nTransactions > plan.maxTransactionsPerStore) {
    throw new RangeError(`the store has ${db.nTransactions} transactions, more than the round's maxTransactionsPerStore (${plan.maxTransactionsPerStore}); the coordinator must raise it`);
  }
  const matrix = contributionMatrix(db, plan.candidates);
  const counts = new Array<number>(plan.layout.length).fill(0);
  for (let t = 0; t < matrix.transactions; t++) {
    counts[plan.layout.transactionUtility + binOf(plan.edges.transactionUtility, matrix.transactionUtility[t])]++;
    const held = matrix.rows[t + 1] - matrix.rows[t];
    if (held === 0) continue;
    counts[plan.layout.utilityNorm + binOf(plan.edges.utilityNorm, rowUtilityNorm(matrix, t))]++;
    counts[plan.layout.supportCount + binOf(plan.edges.supportCount, held)]++;
  }
  return counts;
}

/** What a store sends to secure aggregation in the calibration step: counts + its noise share, mod 2^32. */
export function encodeCalibration(db: UtilityDatabase, plan: CalibrationPlan, options: { random?: RandomSource } = {}): { vector: Uint32Array } {
  const counts = calibrationCounts(db, plan);
  const noise = sampleNoiseShare(plan.noise.shareSigma2, plan.layout.length, options.random);
  const vector = new Uint32Array(plan.layout.length);
  for (let i = 0; i < vector.length; i++) vector[i] = toWord(counts[i] + noise[i]);
  return { vector };
}

/**
 * Denoise a noisy histogram. Bins below `threshold` are insignificant; the run of significant
 * bins around the largest count (gaps of up to `maxGap` insignificant bins bridged) locates the
 * data. Inside that run the raw counts are kept; above it, up to `extendAbove` bins, the raw
 * counts are kept as far as their running sum is itself significant (a heavy tail spreads over
 * many bins that are each too small to be significant but together matter); everything else
 * reads as 0. A lone noise spike far above the data (empty
 * bins are many: some exceed any moderate threshold now and then) would otherwise pass for a tail.
 */
export function denoiseHistogram(counts: readonly number[], threshold: number, maxGap = 2, extendAbove = 0): number[] {
  const significant = counts.map((c) => c >= threshold && c > 0);
  let mode = -1;
  for (let j = 0; j < counts.length; j++) if (significant[j] && (mode < 0 || counts[j] > counts[mode])) mode = j;
  const out = new Array<number>(counts.length).fill(0);
  if (mode < 0) return out;
  let lo = mode;
  let hi = mode;
  for (const direction of [1, -1]) {
    let gap = 0;
    for (let j = mode + direction; j >= 0 && j < counts.length; j += direction) {
      if (significant[j]) {
        if (direction > 0) hi = j;
        else lo = j;
        gap = 0;
      } else if (++gap > maxGap) break;
    }
  }
  for (let j = lo; j <= hi; j++) out[j] = counts[j];
  // Above the run: keep the raw counts up to the highest bin where the tail above the run is
  // significantly positive (its sum exceeds `threshold`·√bins, the same z as one bin).
  const noise = threshold > 0 ? threshold : 0;
  let sum = 0;
  let keepTo = hi;
  for (let j = hi + 1; j <= Math.min(counts.length - 1, hi + extendAbove); j++) {
    sum += counts[j];
    if (sum > noise * Math.sqrt(j - hi)) keepTo = j;
  }
  for (let j = hi + 1; j <= keepTo; j++) out[j] = counts[j];
  return out;
}

/**
 * Upper edge of the bin where the q-quantile falls: the counts are denoised first if a
 * `threshold` is given (denoiseHistogram, with `extendAbove` raw bins kept above the data), then
 * read from the top: the first bin where the tail exceeds (1 - q) of the total. `reliable` is
 * false when no bin is significant (the top bin is returned then: clip as little as possible).
 */
export function noisyQuantile(histogram: NoisyHistogram, q: number, threshold?: number, extendAbove = 0): { bin: number; upperEdge: number; reliable: boolean } {
  const { edges } = histogram;
  const counts = threshold === undefined ? histogram.counts.slice() : denoiseHistogram(histogram.counts, threshold, 2, extendAbove);
  const total = counts.reduce((s, c) => s + c, 0);
  const last = edges.length - 1;
  const upper = (j: number): number => (j < last ? edges[j + 1] : edges[last] * 2);
  if (!(total > 0)) return { bin: last, upperEdge: upper(last), reliable: false };
  const allowedTail = (1 - q) * total;
  let tail = 0;
  for (let j = last; j >= 0; j--) {
    tail += counts[j];
    if (tail > allowedTail) return { bin: j, upperEdge: upper(j), reliable: true };
  }
  return { bin: 0, upperEdge: upper(0), reliable: true };
}

/** Decode the calibration sum into noisy histograms and clip bounds. */
export function decodeCalibration(sum: Uint32Array, plan: CalibrationPlan, survivors: number): Calibration {
  checkPlanDigest(plan);
  checkSurvivors(survivors, plan.minSurvivors, plan.participants);
  if (sum.length !== plan.layout.length) throw new RangeError(`calibration sum has length ${sum.length}, the plan expects ${plan.layout.length}`);
  const signed = Array.from(sum, fromWord);
  const slice = (offset: number, edges: number[]): NoisyHistogram => ({ edges, counts: signed.slice(offset, offset + edges.length) });
  const histograms = {
    utilityNorm: slice(plan.layout.utilityNorm, plan.edges.utilityNorm),
    supportCount: slice(plan.layout.supportCount, plan.edges.supportCount),
    transactionUtility: slice(plan.layout.transactionUtility, plan.edges.transactionUtility),
  };
  const countStd = Math.sqrt(survivors) * plan.noise.shareSigma;
  const threshold = DENOISE_STDS * countStd;
  const utilityQuantile = noisyQuantile(histograms.utilityNorm, plan.quantiles.utility, threshold, TAIL_BINS);
  const utility = utilityQuantile.upperEdge;
  const supportBin = noisyQuantile(histograms.supportCount, plan.quantiles.support, threshold);
  const supportEdges = plan.edges.supportCount;
  const supportCount = supportBin.bin < supportEdges.length - 1 ? supportEdges[supportBin.bin + 1] - 1 : supportEdges[supportEdges.length - 1] * 2;
  const transactionUtilityQuantile = noisyQuantile(histograms.transactionUtility, plan.quantiles.transactionUtility, threshold, TAIL_BINS);
  const transactionUtility = transactionUtilityQuantile.upperEdge;
  const sumOf = (h: NoisyHistogram): number => h.counts.reduce((s, c) => s + c, 0);
  return {
    clip: { utility: Math.max(utility, 1), supportCount: Math.max(1, supportCount), transactionUtility: Math.max(transactionUtility, 1) },
    transactions: sumOf(histograms.transactionUtility),
    holdingTransactions: sumOf(histograms.utilityNorm),
    histograms,
    countStd,
    reliable: utilityQuantile.reliable && supportBin.reliable && transactionUtilityQuantile.reliable,
  };
}
