/**
 * The demand-series round kind: per item of a public catalogue and per period (day, ISO week,
 * month), the summed quantity and revenue across stores, under distributed discrete Gaussian
 * noise (Kairouz, Liu & Steinke, ICML 2021) with per-transaction contribution bounding.
 *
 * Vector (m items, P periods), every entry an integer:
 *   [0, mP)      quantity of item i in period p, at i·P + p   (quantity × quantityScales[i])
 *   [mP, mP+m)   revenue of item i over the whole window      (cents × revenue scale), each
 *                transaction's revenues scaled by the same factor its quantities were clipped by
 * A transaction falls in one period, so it touches at most m quantity entries. They are bounded
 * in a weighted L2 norm, Σ_i (q_i / c_i)² ≤ 1, with a clip c_i per item (maxQuantityBySku, or
 * maxQuantityPerTransaction for every item): items sold by the piece get a small clip, and
 * hence small noise (σ_i = σ·c_i in units), items sold by the case a large one. The transaction's
 * revenues (after the quantity clip) are bounded in L2 by maxRevenueCentsPerTransaction.
 *
 * Revenue per cell is not measured per cell: it is quantity × the item's mean unit price over
 * the window, R_i / Σ_p Q_ip, both from the same release (a ratio estimator; post-processing).
 * The 20 revenue totals are large sums, so a small share of ρ (1 − quantityShare, 0.1 by
 * default) prices them within a few percent, and 90 % of ρ goes to the weekly quantities.
 * Measured on Online Retail (docs/privacy-utility.md): weekly quantity error 38.7 % → see
 * there; the revenue of a cell inherits the price-mix bias (the week's unit prices against
 * the window's mean), which the interval does not include.
 *
 * Returns and lines with a non-positive quantity or price are left out: the series counts
 * what was sold. Transactions outside the window add nothing.
 *
 * Intervals: the noise of each published quantity is Gaussian-like with the known σ_i
 * (survivors · σ_share² in integer units, divided by the item's scale); value ± 1.96σ_i is a
 * 95 % interval for the clipped sum. Clipping lowers sums only, so the lower end bounds the
 * true sum from below. The revenue σ is the delta-method σ of quantity × price (both noisy).
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
  /** Clip of every item's quantity per transaction, unless maxQuantityBySku names one. */
  maxQuantityPerTransaction: number;
  /** Clip per item (same order as skus), public, chosen before the round. */
  maxQuantityBySku?: readonly number[];
  maxRevenueCentsPerTransaction: number;
  epsilon: number;
  delta: number;
  participants: number;
  minSurvivors: number;
  maxTransactionsPerStore?: number;
  /** Share of ρ for the weekly quantities (the rest for the revenue totals); 0.9 unless given. */
  quantityShare?: number;
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
  digest: string;
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
  const quantityShare = input.quantityShare ?? 0.9;
  const quantityClips = input.maxQuantityBySku ? [...input.maxQuantityBySku] : skus.map(() => input.maxQuantityPerTransaction);
  if (quantityClips.length !== skus.length) throw new RangeError(`demand series: maxQuantityBySku has ${quantityClips.length} clips for ${skus.length} items`);
  if (quantityClips.some((c) => !(c > 0) || !Number.isFinite(c))) throw new RangeError('demand series: every quantity clip must be positive');
  if (!(quantityShare > 0 && quantityShare < 1)) throw new RangeError('demand series: quantityShare must be in (0, 1)');
  const core = planStatistics({
    roundId: input.roundId,
    epsilon: input.epsilon,
    delta: input.delta,
    participants: input.participants,
    minSurvivors: input.minSurvivors,
    maxTransactionsPerStore: input.maxTransactionsPerStore,
    blocks: [
      // Quantities in clip units: the weighted norm Σ (q_i / c_i)² is bounded by 1.
      { name: 'quantity', length: cells, clip: 1, share: quantityShare },
      { name: 'revenue', length: skus.length, clip: input.maxRevenueCentsPerTransaction, share: 1 - quantityShare },
    ],
  });
  const quantityScales = quantityClips.map((c) => core.blocks[0].bound / c);
  return withDigest({ kind: 'tessera.federated.demand-series-plan/v1' as const, ...core, skus, period: input.period, fromDate: input.fromDate, toDate: input.toDate, periods, quantityClips, quantityScales });
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
  const [quantityBlock, revenueBlock] = plan.blocks;
  const values = new Float64Array(plan.length);
  const P = plan.periods.length;
  let count = 0;
  let clipped = 0;
  for (const { p, quantity, revenue } of transactionCells(transactions, plan)) {
    count++;
    const items = [...quantity.keys()];
    const fq = addBoundedEntries(values, quantityBlock, items.map((i) => i * P + p), items.map((i) => quantity.get(i)!), items.map((i) => plan.quantityScales[i]));
    // The revenue totals count what the quantities counted: the same clip factor first.
    const fr = addBoundedEntries(values, revenueBlock, items, items.map((i) => revenue.get(i)! * fq));
    if (fq < 1 || fr < 1) clipped++;
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
 * Points from signed integer sums and their σ in integer units (shared with the
 * trusted-curator reference): quantities per cell, revenue = quantity × the item's mean unit
 * price over the window (revenue total / summed quantities), with a delta-method σ.
 */
export function seriesFromSums(signed: ArrayLike<number>, plan: DemandSeriesPlan, sigma: number): DemandSeriesPoint[] {
  const [quantityBlock, revenueBlock] = plan.blocks;
  const P = plan.periods.length;
  const revenueTotalSigma = sigma / revenueBlock.scale;
  const points: DemandSeriesPoint[] = [];
  plan.skus.forEach((sku, i) => {
    const quantitySigma = sigma / plan.quantityScales[i];
    const quantities = plan.periods.map((_, p) => signed[quantityBlock.offset + i * P + p] / plan.quantityScales[i]);
    const totalQuantity = quantities.reduce((a, b) => a + b, 0);
    const totalQuantitySigma = Math.sqrt(P) * quantitySigma;
    const totalRevenue = signed[revenueBlock.offset + i] / revenueBlock.scale;
    // Price from two noisy totals; a total within its noise gives price 0 and a wide σ, never a division by ~0.
    const price = totalQuantity > 0 && totalRevenue > 0 ? totalRevenue / totalQuantity : 0;
    const priceForSigma = Math.max(price, revenueTotalSigma / Math.max(totalQuantity, totalQuantitySigma));
    const priceRelativeVariance = (revenueTotalSigma / Math.max(totalRevenue, revenueTotalSigma)) ** 2 + (totalQuantitySigma / Math.max(totalQuantity, totalQuantitySigma)) ** 2;
    quantities.forEach((quantity, p) => {
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
