/**
 * The price-response round kind: per catalogue item, the sufficient statistics of a
 * regression of log-quantity on log-price, summed across stores under distributed discrete
 * Gaussian noise, and the hub's fit of the elasticity (the slope) with an interval that
 * includes the DP noise.
 *
 * Sufficient statistics perturbation with bounds fixed before the round, in the spirit of
 * AdaSSP (Y.-X. Wang, "Revisiting differentially private linear regression: optimal and
 * adaptive prediction & estimation in unbounded domain", UAI 2018): X'X, X'y (and y'y, n) are
 * released with Gaussian noise, and the fit adds the smallest ridge that makes the noisy X'X
 * safely positive definite (λ = max(0, τ − λ_min), τ a high-probability bound on the noise's
 * spectral norm). Wang calibrates to the data's norm bounds; ours are the public clip bounds.
 *
 * Observations: one per (transaction, catalogue item) with quantity q (summed over the item's
 * lines) and unit price p (revenue / q). Both are clipped to the round's bounds and rescaled
 * to [-1, 1] (x̃ = (ln p − c) / a) and [0, 1] (ỹ = ln q / ln qmax), and the observation
 * contributes (1, x̃, ỹ, x̃², x̃ỹ, ỹ²) to its item's six entries (norm <= √6). A transaction's
 * observations together are bounded in L2 by √6 · observationsPerTransaction: a transaction
 * holding more is scaled down as a whole, which weights its observations alike (a weighted
 * least-squares fit, with the same slope in expectation).
 *
 * Interval: the slope's variance is the sampling variance s²·(X'X)⁻¹ plus the noise's, by the
 * delta method β̂ − β ≈ A⁻¹(e_b − E_A β): A⁻¹ Σ_v A⁻¹ with Σ_v = σ²[[1+β0²+β1², β0β1], [β0β1,
 * 1+β0²+β1²]] (e_Sx appears in both rows of E_A).
 */
import { addBoundedEntries, checkStatisticsDigest, decodeStatisticsSum, encodeWithNoise, planStatistics, withDigest, Z95, type StatisticsPlanCore } from './statistics-plan';
import type { SalesTransaction } from './demand-series';
import type { RandomSource } from '@tessera/privacy';

export interface PriceResponseInput {
  roundId?: string;
  skus: readonly string[];
  minUnitPriceCents: number;
  maxUnitPriceCents: number;
  maxQuantity: number;
  /** A transaction counts fully for at most this many observations (2 unless given). */
  observationsPerTransaction?: number;
  /**
   * Public reference unit prices (e.g. list prices), one per catalogue item: when given, an
   * item's price is clipped into [ref / priceBand, ref · priceBand] and rescaled around ref,
   * so that the rescaled x̃ spans [-1, 1] over the item's own price range. Without them, the
   * one global range [minUnitPriceCents, maxUnitPriceCents] is used for every item, which
   * leaves items whose prices vary little with x̃ variation too small to estimate under noise.
   */
  referencePricesCents?: readonly number[];
  /** Factor around each reference price (2 unless given). */
  priceBand?: number;
  epsilon: number;
  delta: number;
  participants: number;
  minSurvivors: number;
  maxTransactionsPerStore?: number;
}

export interface PriceResponsePlan extends StatisticsPlanCore {
  kind: 'tessera.federated.price-response-plan/v1';
  skus: string[];
  bounds: { minUnitPriceCents: number; maxUnitPriceCents: number; maxQuantity: number; observationsPerTransaction: number; referencePricesCents?: number[]; priceBand?: number };
  digest: string;
}

/** The six sums of one item, in rescaled units. */
export interface SufficientStatistics {
  n: number;
  sx: number;
  sy: number;
  sxx: number;
  sxy: number;
  syy: number;
}

export interface ElasticityFit {
  sku: string;
  /** Undefined when the statistics admit no fit (fewer than 3 observations, or no price variation). */
  elasticity?: number;
  stdError?: number;
  interval?: { low: number; high: number };
  observations: number;
  /** Ridge added to the noisy X'X (rescaled units). */
  ridge: number;
}

const STATS = 6;

export function planPriceResponse(input: PriceResponseInput): PriceResponsePlan {
  const skus = [...input.skus];
  if (skus.length === 0) throw new RangeError('price response: the catalogue is empty');
  if (new Set(skus).size !== skus.length) throw new RangeError('price response: the catalogue lists an item twice');
  if (!(input.minUnitPriceCents > 0 && input.maxUnitPriceCents > input.minUnitPriceCents)) throw new RangeError('price response: need 0 < minUnitPriceCents < maxUnitPriceCents');
  if (!(input.maxQuantity > 1)) throw new RangeError('price response: maxQuantity must exceed 1');
  const observationsPerTransaction = input.observationsPerTransaction ?? 2;
  const references = input.referencePricesCents ? [...input.referencePricesCents] : undefined;
  if (references && (references.length !== skus.length || references.some((r) => !(r > 0) || !Number.isFinite(r)))) throw new RangeError('price response: referencePricesCents needs one positive price per catalogue item');
  const priceBand = input.priceBand ?? 2;
  if (references && !(priceBand > 1)) throw new RangeError('price response: priceBand must exceed 1');
  const core = planStatistics({
    roundId: input.roundId,
    epsilon: input.epsilon,
    delta: input.delta,
    participants: input.participants,
    minSurvivors: input.minSurvivors,
    maxTransactionsPerStore: input.maxTransactionsPerStore,
    blocks: [{ name: 'statistics', length: STATS * skus.length, clip: Math.sqrt(STATS) * observationsPerTransaction, share: 1 }],
  });
  return withDigest({
    kind: 'tessera.federated.price-response-plan/v1' as const,
    ...core,
    skus,
    bounds: { minUnitPriceCents: input.minUnitPriceCents, maxUnitPriceCents: input.maxUnitPriceCents, maxQuantity: input.maxQuantity, observationsPerTransaction, ...(references ? { referencePricesCents: references, priceBand } : {}) },
  });
}

/** Rescaling of log-price (per item) and log-quantity into [-1, 1] and [0, 1]. */
export function rescaling(bounds: PriceResponsePlan['bounds']) {
  const globalLow = Math.log(bounds.minUnitPriceCents);
  const globalHigh = Math.log(bounds.maxUnitPriceCents);
  const range = (item: number) => {
    const reference = bounds.referencePricesCents?.[item];
    if (reference === undefined) return { centre: (globalLow + globalHigh) / 2, halfWidth: (globalHigh - globalLow) / 2 };
    return { centre: Math.log(reference), halfWidth: Math.log(bounds.priceBand ?? 2) };
  };
  const logQuantityMax = Math.log(bounds.maxQuantity);
  return {
    x: (priceCents: number, item = 0) => {
      const { centre, halfWidth } = range(item);
      return Math.min(1, Math.max(-1, (Math.log(priceCents) - centre) / halfWidth));
    },
    y: (quantity: number) => Math.min(logQuantityMax, Math.max(0, Math.log(quantity))) / logQuantityMax,
    /** Slope in rescaled units × this = elasticity (d ln q / d ln p), for an item. */
    slopeFactorOf: (item: number) => logQuantityMax / range(item).halfWidth,
    /** The slope factor of item 0 (every item's, when no reference prices are given). */
    slopeFactor: logQuantityMax / range(0).halfWidth,
  };
}

/** Per transaction, the bounded observations (x̃, ỹ) of each catalogue item it holds. */
export function* observations(transactions: Iterable<SalesTransaction>, plan: Pick<PriceResponsePlan, 'skus' | 'bounds'>): Generator<{ item: number; x: number; y: number }[]> {
  const itemIndex = new Map(plan.skus.map((sku, i) => [sku, i]));
  const scale = rescaling(plan.bounds);
  for (const t of transactions) {
    const quantity = new Map<number, number>();
    const revenue = new Map<number, number>();
    for (const line of t.lines) {
      const i = itemIndex.get(line.sku);
      if (i === undefined || !(line.quantity > 0) || !(line.unitPriceCents > 0)) continue;
      quantity.set(i, (quantity.get(i) ?? 0) + line.quantity);
      revenue.set(i, (revenue.get(i) ?? 0) + line.quantity * line.unitPriceCents);
    }
    if (quantity.size) yield [...quantity].map(([item, q]) => ({ item, x: scale.x(revenue.get(item)! / q, item), y: scale.y(q) }));
  }
}

/** The store's exact clipped, quantised statistics WITHOUT noise (tests, studies and the node's mining service only). */
export function priceResponseClippedSum(transactions: Iterable<SalesTransaction>, plan: PriceResponsePlan): { values: number[]; transactions: number; clippedTransactions: number } {
  checkStatisticsDigest(plan);
  const [block] = plan.blocks;
  const values = new Float64Array(plan.length);
  let count = 0;
  let clipped = 0;
  for (const row of observations(transactions, plan)) {
    count++;
    const indices: number[] = [];
    const entries: number[] = [];
    for (const { item, x, y } of row) {
      const base = STATS * item;
      indices.push(base, base + 1, base + 2, base + 3, base + 4, base + 5);
      entries.push(1, x, y, x * x, x * y, y * y);
    }
    if (addBoundedEntries(values, block, indices, entries) < 1) clipped++;
  }
  if (count > plan.maxTransactionsPerStore) throw new RangeError(`the store has ${count} transactions with catalogue items, more than the round's maxTransactionsPerStore (${plan.maxTransactionsPerStore})`);
  return { values: Array.from(values), transactions: count, clippedTransactions: clipped };
}

export function encodePriceResponse(transactions: Iterable<SalesTransaction>, plan: PriceResponsePlan, options: { random?: RandomSource } = {}): Uint32Array {
  return encodeWithNoise(priceResponseClippedSum(transactions, plan).values, plan, options.random);
}

/** Per-item statistics (rescaled units) from signed integer sums. */
export function statisticsFromSums(signed: ArrayLike<number>, plan: PriceResponsePlan): SufficientStatistics[] {
  const [block] = plan.blocks;
  return plan.skus.map((_, i) => {
    const at = (k: number) => signed[block.offset + STATS * i + k] / block.scale;
    return { n: at(0), sx: at(1), sy: at(2), sxx: at(3), sxy: at(4), syy: at(5) };
  });
}

/**
 * Fits y = β0 + β1·x from (noisy) sufficient statistics, with noise σ per statistic
 * (0 for exact statistics), and converts the slope to an elasticity.
 */
export function fitElasticity(sku: string, s: SufficientStatistics, noiseSigma: number, slopeFactor: number): ElasticityFit {
  const observations = Math.max(0, s.n);
  if (!(s.n >= 3)) return { sku, observations, ridge: 0 };
  // λ_min of the 2×2 symmetric A = [[n, sx], [sx, sxx]].
  const trace = s.n + s.sxx;
  const gap = Math.sqrt(((s.n - s.sxx) / 2) ** 2 + s.sx * s.sx);
  const lambdaMin = trace / 2 - gap;
  // Spectral norm of a 2×2 symmetric noise matrix with entries of σ: below 3·√2·σ but for ~1e-4 of draws.
  const tau = noiseSigma > 0 ? 3 * Math.SQRT2 * noiseSigma : 0;
  const ridge = Math.max(0, tau - lambdaMin);
  const a11 = s.n + ridge;
  const a12 = s.sx;
  const a22 = s.sxx + ridge;
  const det = a11 * a22 - a12 * a12;
  if (!(det > 1e-12 * Math.max(1, a11 * a22))) return { sku, observations, ridge };
  const inv = [a22 / det, -a12 / det, a11 / det]; // [i11, i12, i22]
  const b0 = inv[0] * s.sy + inv[1] * s.sxy;
  const b1 = inv[1] * s.sy + inv[2] * s.sxy;
  const rss = s.syy - 2 * (b0 * s.sy + b1 * s.sxy) + (b0 * b0 * s.n + 2 * b0 * b1 * s.sx + b1 * b1 * s.sxx);
  const residualVariance = Math.max(rss, 0) / Math.max(1, s.n - 2);
  const samplingVariance = residualVariance * inv[2];
  // A⁻¹ Σ_v A⁻¹, entry (2,2): row 2 of A⁻¹ is (i12, i22).
  const m11 = 1 + b0 * b0 + b1 * b1;
  const m12 = b0 * b1;
  const noiseVariance = noiseSigma * noiseSigma * (inv[1] * inv[1] * m11 + 2 * inv[1] * inv[2] * m12 + inv[2] * inv[2] * m11);
  const stdError = Math.sqrt(samplingVariance + noiseVariance) * Math.abs(slopeFactor);
  const elasticity = b1 * slopeFactor;
  return { sku, elasticity, stdError, interval: { low: elasticity - Z95 * stdError, high: elasticity + Z95 * stdError }, observations, ridge };
}

/** The hub's fits from the aggregate of `survivors` stores (post-processing only). */
export function decodePriceResponse(sum: Uint32Array, plan: PriceResponsePlan, survivors: number): ElasticityFit[] {
  checkStatisticsDigest(plan);
  const { signed, sigma } = decodeStatisticsSum(sum, plan, survivors);
  const statistics = statisticsFromSums(signed, plan);
  const { slopeFactorOf } = rescaling(plan.bounds);
  const noise = sigma / plan.blocks[0].scale;
  return plan.skus.map((sku, i) => fitElasticity(sku, statistics[i], noise, slopeFactorOf(i)));
}

/** Exact statistics of bounded, unweighted observations (the oracle of tests and the study's non-private estimate). */
export function exactStatistics(transactions: Iterable<SalesTransaction>, plan: Pick<PriceResponsePlan, 'skus' | 'bounds'>): SufficientStatistics[] {
  const out = plan.skus.map(() => ({ n: 0, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 }));
  for (const row of observations(transactions, plan)) {
    for (const { item, x, y } of row) {
      const s = out[item];
      s.n += 1;
      s.sx += x;
      s.sy += y;
      s.sxx += x * x;
      s.sxy += x * y;
      s.syy += y * y;
    }
  }
  return out;
}
