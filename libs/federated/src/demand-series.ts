/**
 * The demand-series round kind: per item of a public catalogue and per period (day, ISO week,
 * month), the summed quantity and revenue across stores, under distributed discrete Gaussian
 * noise (Kairouz, Liu & Steinke, ICML 2021) with per-transaction contribution bounding; the
 * unit of privacy is one transaction.
 *
 * Estimator (docs/privacy-utility.md, "Demand series": measured against plain clipped sums,
 * per-item clips and a pure ratio estimator). A cell's quantity is split at a small clip c_i:
 *   quantity(i, p) = Σ_t min(q_ti, c_i)  +  n(i, p) × ē_i
 * the first part measured per cell (sensitivity c_i, small noise), the part above the clip
 * estimated as the number of transactions n(i, p) holding the item in the period (sensitivity
 * 1) times the item's mean excess per transaction over the whole window, ē_i = E_i / N_i (a
 * ratio estimator, after the bias-corrected ratio / "winsorised mean + tail" idea of Amin et
 * al., "Bounding User Contributions", ICML 2019, applied per cell). Wholesale orders are what
 * the excess holds; a week's own mix of them is the estimator's bias, stated in the published
 * σ as the sampling spread √(n(i, p) · v_i), v_i the item's variance of the excess per
 * transaction (from Σ e², also released).
 *
 * Vector (m items, P periods), every entry an integer, each block bounded per transaction:
 *   [0, mP)            min(q_i, c_i) at i·P + p, weighted L2: Σ_i (min(q_i, c_i) / c_i)² ≤ 1
 *   [mP, 2mP)          1 per item held at i·P + p (L2 ≤ 1: a transaction holding h items adds 1/√h)
 *   then m entries     excess e_i = q_i − (what the first block counted), L2 ≤ maxExcessPerTransaction
 *   then m entries     e_i² (after the excess clip), L2 ≤ maxExcessPerTransaction²
 *   then m entries     revenue of the counted quantity (unit price × counted units), L2 ≤ maxRevenueCentsPerTransaction
 * Revenue per cell is quantity × the item's mean unit price over the window (revenue total /
 * counted quantity total): 20 large totals priced with a small share of ρ instead of a noisy
 * revenue per cell.
 *
 * Returns and lines with a non-positive quantity or price are left out: the series counts
 * what was sold. Transactions outside the window add nothing.
 */
import { periodStartOf, periodStarts, isoDate, type Period } from './periods';
import { addBoundedEntries, checkStatisticsDigest, decodeStatisticsSum, encodeWithNoise, planStatistics, withDigest, Z95, type StatisticsPlanCore } from './statistics-plan';
import type { RandomSource } from '@tessera/privacy';

/** One sale as a store node holds it (never leaves the node). */
export interface SalesTransaction {
  /** ISO timestamp (UTC). */
  occurredAt: string;
  lines: readonly { sku: string; quantity: number; unitPriceCents: number }[];
}

export interface DemandSeriesInput {
  roundId?: string;
  skus: readonly string[];
  period: Period;
  fromDate: string;
  toDate: string;
  /** Clip c of every item's per-cell quantity per transaction, unless maxQuantityBySku names one. */
  maxQuantityPerTransaction: number;
  /** Clip per item (same order as skus), public, chosen before the round. */
  maxQuantityBySku?: readonly number[];
  /** L2 bound of a transaction's excess above the clips, over the catalogue (units); 100 unless given. */
  maxExcessPerTransaction?: number;
  maxRevenueCentsPerTransaction: number;
  epsilon: number;
  delta: number;
  participants: number;
  minSurvivors: number;
  maxTransactionsPerStore?: number;
  /** Shares of ρ: clipped quantities, counts, excess, excess², revenue; DEMAND_SERIES_SHARES unless given. */
  shares?: DemandSeriesShares;
}

export interface DemandSeriesPlan extends StatisticsPlanCore {
  kind: 'tessera.federated.demand-series-plan/v1';
  skus: string[];
  period: Period;
  fromDate: string;
  toDate: string;
  periods: string[];
  /** Clip of each item's quantity per transaction (units). */
  quantityClips: number[];
  /** Integer units per unit of each item's quantity (bound / clip). */
  quantityScales: number[];
  maxExcessPerTransaction: number;
  digest: string;
}

export interface DemandSeriesShares {
  quantity: number;
  count: number;
  excess: number;
  excessSquared: number;
  revenue: number;
}

/** The study's best split (docs/privacy-utility.md): nearly all of ρ on the two per-cell blocks. */
export const DEMAND_SERIES_SHARES: Readonly<DemandSeriesShares> = Object.freeze({ quantity: 0.45, count: 0.45, excess: 0.04, excessSquared: 0.02, revenue: 0.04 });

/**
 * Public default of the per-cell clip c by ε (the study's best on Online Retail, weekly, top
 * 20): a small clip where noise dominates, a larger one where it does not.
 */
export function defaultDemandClip(epsilon: number): number {
  return epsilon <= 2 ? 6 : epsilon <= 6 ? 24 : 60;
}

export interface DemandSeriesPoint {
  sku: string;
  periodStart: string;
  quantity: number;
  revenueCents: number;
  quantitySigma: number;
  revenueSigmaCents: number;
  quantityInterval: { low: number; high: number };
  revenueIntervalCents: { low: number; high: number };
}

export function planDemandSeries(input: DemandSeriesInput): DemandSeriesPlan {
  const skus = [...input.skus];
  if (skus.length === 0) throw new RangeError('demand series: the catalogue is empty');
  if (new Set(skus).size !== skus.length) throw new RangeError('demand series: the catalogue lists an item twice');
  const periods = periodStarts(input.fromDate, input.toDate, input.period);
  const cells = skus.length * periods.length;
  const shares = input.shares ?? DEMAND_SERIES_SHARES;
  const quantityClips = input.maxQuantityBySku ? [...input.maxQuantityBySku] : skus.map(() => input.maxQuantityPerTransaction);
  const maxExcessPerTransaction = input.maxExcessPerTransaction ?? 100;
  if (quantityClips.length !== skus.length) throw new RangeError(`demand series: maxQuantityBySku has ${quantityClips.length} clips for ${skus.length} items`);
  if (quantityClips.some((c) => !(c > 0) || !Number.isFinite(c))) throw new RangeError('demand series: every quantity clip must be positive');
  if (!(maxExcessPerTransaction > 0 && Number.isFinite(maxExcessPerTransaction))) throw new RangeError('demand series: maxExcessPerTransaction must be positive');
  const core = planStatistics({
    roundId: input.roundId,
    epsilon: input.epsilon,
    delta: input.delta,
    participants: input.participants,
    minSurvivors: input.minSurvivors,
    maxTransactionsPerStore: input.maxTransactionsPerStore,
    blocks: [
      // Quantities in clip units: the weighted norm Σ (min(q_i, c_i) / c_i)² is bounded by 1.
      { name: 'quantity', length: cells, clip: 1, share: shares.quantity },
      { name: 'count', length: cells, clip: 1, share: shares.count },
      { name: 'excess', length: skus.length, clip: maxExcessPerTransaction, share: shares.excess },
      { name: 'excess-squared', length: skus.length, clip: maxExcessPerTransaction ** 2, share: shares.excessSquared },
      { name: 'revenue', length: skus.length, clip: input.maxRevenueCentsPerTransaction, share: shares.revenue },
    ],
  });
  const quantityScales = quantityClips.map((c) => core.blocks[0].bound / c);
  return withDigest({ kind: 'tessera.federated.demand-series-plan/v1' as const, ...core, skus, period: input.period, fromDate: input.fromDate, toDate: input.toDate, periods, quantityClips, quantityScales, maxExcessPerTransaction });
}

/** Per transaction of the window: its period index and summed quantity and revenue per catalogue item. */
function* transactionCells(transactions: Iterable<SalesTransaction>, plan: DemandSeriesPlan) {
  const itemIndex = new Map(plan.skus.map((sku, i) => [sku, i]));
  const periodIndex = new Map(plan.periods.map((start, p) => [start, p]));
  const end = new Date(`${plan.toDate}T00:00:00Z`).getTime() + 86_400_000;
  const start = new Date(`${plan.fromDate}T00:00:00Z`).getTime();
  for (const transaction of transactions) {
    const at = new Date(transaction.occurredAt);
    const time = at.getTime();
    if (!(time >= start && time < end)) continue;
    const p = periodIndex.get(isoDate(periodStartOf(at, plan.period)));
    if (p === undefined) continue;
    const quantity = new Map<number, number>();
    const revenue = new Map<number, number>();
    for (const line of transaction.lines) {
      const i = itemIndex.get(line.sku);
      if (i === undefined || !(line.quantity > 0) || !(line.unitPriceCents > 0)) continue;
      quantity.set(i, (quantity.get(i) ?? 0) + line.quantity);
      revenue.set(i, (revenue.get(i) ?? 0) + line.quantity * line.unitPriceCents);
    }
    if (quantity.size) yield { p, quantity, revenue };
  }
}

/** The store's exact clipped, quantised vector WITHOUT noise (tests, studies and the node's mining service only). */
export function demandSeriesClippedSum(transactions: Iterable<SalesTransaction>, plan: DemandSeriesPlan): { values: number[]; transactions: number; clippedTransactions: number } {
  checkStatisticsDigest(plan);
  const [quantityBlock, countBlock, excessBlock, squaredBlock, revenueBlock] = plan.blocks;
  const values = new Float64Array(plan.length);
  const P = plan.periods.length;
  let count = 0;
  let clipped = 0;
  for (const { p, quantity, revenue } of transactionCells(transactions, plan)) {
    count++;
    const items = [...quantity.keys()];
    const cellsOfItems = items.map((i) => i * P + p);
    const below = items.map((i) => Math.min(quantity.get(i)!, plan.quantityClips[i]));
    const fq = addBoundedEntries(values, quantityBlock, cellsOfItems, below, items.map((i) => plan.quantityScales[i]));
    addBoundedEntries(values, countBlock, cellsOfItems, items.map(() => 1), items.map(() => countBlock.bound));
    // The excess is what the first block did not count, so the two add up to the transaction's quantity.
    const excess = items.map((i, j) => quantity.get(i)! - below[j] * fq);
    const fe = addBoundedEntries(values, excessBlock, items, excess);
    const fs = addBoundedEntries(values, squaredBlock, items, excess.map((e) => (e * fe) ** 2));
    // Revenue of the units counted, at the transaction's own unit prices.
    const counted = items.map((i, j) => below[j] * fq + excess[j] * fe);
    const fr = addBoundedEntries(values, revenueBlock, items, items.map((i, j) => (revenue.get(i)! * counted[j]) / quantity.get(i)!));
    if (fq < 1 || fe < 1 || fs < 1 || fr < 1 || below.some((b, j) => b < quantity.get(items[j])!)) clipped++;
  }
  if (count > plan.maxTransactionsPerStore) throw new RangeError(`the store has ${count} transactions in the window, more than the round's maxTransactionsPerStore (${plan.maxTransactionsPerStore})`);
  return { values: Array.from(values), transactions: count, clippedTransactions: clipped };
}

/** What a store sends to secure aggregation: its clipped sums plus its noise share, mod 2^32. */
export function encodeDemandSeries(transactions: Iterable<SalesTransaction>, plan: DemandSeriesPlan, options: { random?: RandomSource } = {}): Uint32Array {
  return encodeWithNoise(demandSeriesClippedSum(transactions, plan).values, plan, options.random);
}

/** The published series from the aggregate of `survivors` stores (post-processing only). */
export function decodeDemandSeries(sum: Uint32Array, plan: DemandSeriesPlan, survivors: number): DemandSeriesPoint[] {
  checkStatisticsDigest(plan);
  const { signed, sigma } = decodeStatisticsSum(sum, plan, survivors);
  return seriesFromSums(signed, plan, sigma);
}

/**
 * Points from signed integer sums and their noise σ in integer units (shared with the
 * trusted-curator reference). Per item: N = Σ_p n(i, p), ē = E / N, v = Σe² / N − ē²;
 * quantity = clipped part + n(i, p) · ē; its σ² = the noise's variance (delta method over the
 * noisy clipped part, count, ē) + n(i, p) · v (the week's own mix of excess, the estimator's
 * bias, as a sampling spread). Revenue = quantity × (revenue total / counted quantity total).
 */
export function seriesFromSums(signed: ArrayLike<number>, plan: DemandSeriesPlan, sigma: number): DemandSeriesPoint[] {
  const [quantityBlock, countBlock, excessBlock, squaredBlock, revenueBlock] = plan.blocks;
  const P = plan.periods.length;
  const countSigma = sigma / countBlock.bound;
  const excessTotalSigma = sigma / excessBlock.scale;
  const revenueTotalSigma = sigma / revenueBlock.scale;
  const points: DemandSeriesPoint[] = [];
  plan.skus.forEach((sku, i) => {
    const clippedSigma = sigma / plan.quantityScales[i];
    const clippedParts = plan.periods.map((_, p) => signed[quantityBlock.offset + i * P + p] / plan.quantityScales[i]);
    const counts = plan.periods.map((_, p) => signed[countBlock.offset + i * P + p] / countBlock.bound);
    const holding = Math.max(1, counts.reduce((a, b) => a + b, 0));
    const excessTotal = signed[excessBlock.offset + i] / excessBlock.scale;
    const meanExcess = Math.max(0, excessTotal) / holding;
    const meanSquare = Math.max(0, signed[squaredBlock.offset + i] / squaredBlock.scale) / holding;
    const excessVariance = Math.max(0, meanSquare - meanExcess * meanExcess);
    const meanExcessVariance = (excessTotalSigma ** 2 + meanExcess ** 2 * P * countSigma ** 2) / holding ** 2;
    const quantities = clippedParts.map((part, p) => part + counts[p] * meanExcess);
    const sigmas = counts.map((n, p) => Math.sqrt(clippedSigma ** 2 + (meanExcess * countSigma) ** 2 + n * n * meanExcessVariance + Math.max(0, n) * excessVariance));
    const totalQuantity = clippedParts.reduce((a, b) => a + b, 0) + excessTotal;
    const totalQuantitySigma = Math.sqrt(P * clippedSigma ** 2 + excessTotalSigma ** 2);
    const totalRevenue = signed[revenueBlock.offset + i] / revenueBlock.scale;
    // Price from two noisy totals; a total within its noise gives price 0 and a wide σ, never a division by ~0.
    const price = totalQuantity > 0 && totalRevenue > 0 ? totalRevenue / totalQuantity : 0;
    const priceForSigma = Math.max(price, revenueTotalSigma / Math.max(totalQuantity, totalQuantitySigma));
    const priceRelativeVariance = (revenueTotalSigma / Math.max(totalRevenue, revenueTotalSigma)) ** 2 + (totalQuantitySigma / Math.max(totalQuantity, totalQuantitySigma)) ** 2;
    quantities.forEach((quantity, p) => {
      const quantitySigma = sigmas[p];
      const revenueCents = quantity * price;
      const revenueSigmaCents = Math.sqrt((priceForSigma * quantitySigma) ** 2 + (quantity * priceForSigma) ** 2 * priceRelativeVariance);
      points.push({
        sku,
        periodStart: plan.periods[p],
        quantity,
        revenueCents,
        quantitySigma,
        revenueSigmaCents,
        quantityInterval: { low: quantity - Z95 * quantitySigma, high: quantity + Z95 * quantitySigma },
        revenueIntervalCents: { low: revenueCents - Z95 * revenueSigmaCents, high: revenueCents + Z95 * revenueSigmaCents },
      });
    });
  });
  return points;
}

/** The exact, unclipped, noiseless series of a set of transactions (the study's and tests' oracle). */
export function exactDemandSeries(transactions: Iterable<SalesTransaction>, plan: Pick<DemandSeriesPlan, 'skus' | 'period' | 'periods' | 'fromDate' | 'toDate'>): Map<string, { quantity: number; revenueCents: number }> {
  const out = new Map<string, { quantity: number; revenueCents: number }>();
  const skus = new Set(plan.skus);
  const start = new Date(`${plan.fromDate}T00:00:00Z`).getTime();
  const end = new Date(`${plan.toDate}T00:00:00Z`).getTime() + 86_400_000;
  for (const t of transactions) {
    const at = new Date(t.occurredAt);
    if (!(at.getTime() >= start && at.getTime() < end)) continue;
    for (const line of t.lines) {
      if (!skus.has(line.sku) || !(line.quantity > 0) || !(line.unitPriceCents > 0)) continue;
      const key = `${line.sku}|${isoDate(periodStartOf(at, plan.period))}`;
      const cell = out.get(key) ?? { quantity: 0, revenueCents: 0 };
      cell.quantity += line.quantity;
      cell.revenueCents += line.quantity * line.unitPriceCents;
      out.set(key, cell);
    }
  }
  return out;
}
