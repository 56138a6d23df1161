/**
 * The demand-series round kind: per item of a public catalogue and per period (day, ISO week,
 * month), the summed quantity and revenue across stores, under distributed discrete Gaussian
 * noise (Kairouz, Liu & Steinke, ICML 2021) with per-transaction contribution bounding.
 *
 * Vector (m items, P periods), every entry an integer:
 *   [0, mP)     quantity of item i in period p, at i·P + p   (quantity × quantityScale)
 *   [mP, 2mP)   revenue of item i in period p                 (cents × revenueScale)
 * A transaction falls in one period, so it touches at most m entries of each block: its
 * quantities over the catalogue are clipped to L2 norm maxQuantityPerTransaction, its revenues
 * to maxRevenueCentsPerTransaction (statistics-plan.ts). Returns and lines with a non-positive
 * quantity or price are left out: the series counts what was sold. Transactions outside the
 * window add nothing.
 *
 * Intervals: the noise of each published sum is Gaussian-like with the known σ (survivors ·
 * σ_i² in integer units, divided by the block's scale); value ± 1.96σ is a 95 % interval for
 * the clipped sum. Clipping lowers sums only, so the lower end bounds the true sum from below.
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
  maxQuantityPerTransaction: number;
  maxRevenueCentsPerTransaction: number;
  epsilon: number;
  delta: number;
  participants: number;
  minSurvivors: number;
  maxTransactionsPerStore?: number;
  /** Share of ρ for the quantities (the rest for revenues); 0.5 unless given. */
  quantityShare?: number;
}

export interface DemandSeriesPlan extends StatisticsPlanCore {
  kind: 'tessera.federated.demand-series-plan/v1';
  skus: string[];
  period: Period;
  fromDate: string;
  toDate: string;
  periods: string[];
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
  const quantityShare = input.quantityShare ?? 0.5;
  const core = planStatistics({
    roundId: input.roundId,
    epsilon: input.epsilon,
    delta: input.delta,
    participants: input.participants,
    minSurvivors: input.minSurvivors,
    maxTransactionsPerStore: input.maxTransactionsPerStore,
    blocks: [
      { name: 'quantity', length: cells, clip: input.maxQuantityPerTransaction, share: quantityShare },
      { name: 'revenue', length: cells, clip: input.maxRevenueCentsPerTransaction, share: 1 - quantityShare },
    ],
  });
  return withDigest({ kind: 'tessera.federated.demand-series-plan/v1' as const, ...core, skus, period: input.period, fromDate: input.fromDate, toDate: input.toDate, periods });
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
    const indices = items.map((i) => i * P + p);
    const fq = addBoundedEntries(values, quantityBlock, indices, items.map((i) => quantity.get(i)!));
    const fr = addBoundedEntries(values, revenueBlock, indices, items.map((i) => revenue.get(i)!));
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

/** Points from signed integer sums and their σ (shared with the trusted-curator reference). */
export function seriesFromSums(signed: ArrayLike<number>, plan: DemandSeriesPlan, sigma: number): DemandSeriesPoint[] {
  const [quantityBlock, revenueBlock] = plan.blocks;
  const P = plan.periods.length;
  const quantitySigma = sigma / quantityBlock.scale;
  const revenueSigmaCents = sigma / revenueBlock.scale;
  const points: DemandSeriesPoint[] = [];
  plan.skus.forEach((sku, i) => {
    plan.periods.forEach((periodStart, p) => {
      const quantity = signed[quantityBlock.offset + i * P + p] / quantityBlock.scale;
      const revenueCents = signed[revenueBlock.offset + i * P + p] / revenueBlock.scale;
      points.push({
        sku,
        periodStart,
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
