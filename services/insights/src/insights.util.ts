// Pure rules of the insights service, over @tessera/forecast: the documents from sales lines,
// published patterns and series. No I/O here; the refresh services feed them.
import {
  addPeriods,
  bundleStatistics,
  estimateElasticity,
  forecastSeries,
  itemSeries,
  itemsetKey,
  periodStart,
  recommendPrice,
  reorderAdvice,
  isServiceLevel,
  lastCompletePeriodEnd,
  type Period,
  type SeriesPoint,
} from '@tessera/forecast';
import type { BundleDocument, ForecastDocument, ItemForecastDocument, PriceDocument, RoundRef, StockAlertView } from './insight-documents';
import type { StockLevel } from './repositories/stock.repository';

/** Periods forecast at each refresh, with the horizon computed (requests may ask for fewer). */
export const FORECAST_HORIZONS: Readonly<Record<Period, number>> = { day: 28, week: 12, month: 6 };
/** History returned next to a forecast. */
export const HISTORY_LENGTHS: Readonly<Record<Period, number>> = { day: 90, week: 52, month: 24 };

export interface SaleLine {
  sku: string;
  name?: string;
  date: string;
  quantity: number;
  unitPriceCents: number;
}

/** One item's forecast document (the unit of work a refresh yields between). */
export function forecastItem(item: { sku: string; name?: string; series: SeriesPoint[] }, period: Period): ItemForecastDocument | null {
  if (!item.series.length) return null;
  const result = forecastSeries(item.series, { period, horizon: FORECAST_HORIZONS[period] });
  return {
    sku: item.sku,
    name: item.name ?? item.sku,
    model: result.model,
    fellBack: result.fellBack,
    ...(result.reason ? { reason: result.reason } : {}),
    history: item.series.slice(-HISTORY_LENGTHS[period]),
    points: result.points,
    backtest: result.backtest ? { mase: result.backtest.mase, smape: result.backtest.smape, seasonalNaiveMase: result.backtest.seasonalNaiveMase } : null,
  };
}

export function forecastDocument(series: ReadonlyArray<{ sku: string; name?: string; series: SeriesPoint[] }>, period: Period, round: RoundRef | null = null): ForecastDocument {
  const forecasts = series.map((item) => forecastItem(item, period)).filter((f): f is ItemForecastDocument => f !== null);
  return { period, round, forecasts };
}

/** The series a store forecasts for one period: its top items and every item it counts stock of, up to its last complete period. */
export function storeSeries(lines: readonly SaleLine[], period: Period, top: number, stockSkus: readonly string[] = []): { sku: string; name?: string; series: SeriesPoint[] }[] {
  if (!lines.length) return [];
  let lastDay = '';
  for (const line of lines) if (line.date > lastDay) lastDay = line.date;
  const until = lastCompletePeriodEnd(lastDay.slice(0, 10), period);
  const topItems = itemSeries(lines, { period, until, top });
  const have = new Set(topItems.map((item) => item.sku));
  const extra = stockSkus.filter((sku) => !have.has(sku));
  return [...topItems, ...(extra.length ? itemSeries(lines, { period, until, skus: extra }) : [])];
}

/** A store's own forecasts of its top items (and of every item it counts stock of) for one period. */
export function storeForecasts(lines: readonly SaleLine[], period: Period, top: number, stockSkus: readonly string[] = []): ForecastDocument {
  return forecastDocument(storeSeries(lines, period, top, stockSkus), period);
}

/** Elasticities from the store's own weekly history: average price paid and quantity per week. */
export function storePrices(lines: readonly SaleLine[], skus: ReadonlyArray<{ sku: string; name: string }>): PriceDocument {
  const weekly = new Map<string, Map<string, { quantity: number; revenue: number }>>();
  const wanted = new Set(skus.map((s) => s.sku));
  for (const line of lines) {
    if (!wanted.has(line.sku) || line.quantity <= 0 || line.unitPriceCents <= 0) continue;
    const week = periodStart(line.date, 'week');
    let item = weekly.get(line.sku);
    if (!item) weekly.set(line.sku, (item = new Map()));
    const cell = item.get(week) ?? { quantity: 0, revenue: 0 };
    cell.quantity += line.quantity;
    cell.revenue += line.quantity * line.unitPriceCents;
    item.set(week, cell);
  }
  return {
    round: null,
    items: skus.map(({ sku, name }) => {
      const observations = [...(weekly.get(sku)?.values() ?? [])].map((cell) => ({ price: cell.revenue / cell.quantity, quantity: cell.quantity }));
      const fitted = estimateElasticity(observations);
      if (!fitted.ok) return { sku, name, elasticity: null, low95: null, high95: null, recommendation: null, reason: `not enough evidence: ${fitted.reason}` };
      const { recommendation, reason } = recommendPrice(fitted.estimate);
      return { sku, name, elasticity: fitted.estimate.elasticity, low95: fitted.estimate.low95, high95: fitted.estimate.high95, recommendation, reason };
    }),
  };
}

/** Consortium prices from a price-response round's published elasticities. */
export function consortiumPrices(items: ReadonlyArray<{ sku: string; elasticity: number; low95: number; high95: number; observations: number }>, round: RoundRef | null): PriceDocument {
  return {
    round,
    items: items.map((item) => {
      if (!(item.observations > 0) || !Number.isFinite(item.elasticity)) return { sku: item.sku, name: item.sku, elasticity: null, low95: null, high95: null, recommendation: null, reason: 'not enough evidence: no observations' };
      const { recommendation, reason } = recommendPrice(item);
      return { sku: item.sku, name: item.sku, elasticity: item.elasticity, low95: item.low95, high95: item.high95, recommendation, reason };
    }),
  };
}

export interface PublishedPattern {
  items: string[];
  utilityCents: number;
  support: number;
}

/**
 * Consortium bundles from a round's published patterns: every itemset of two or more items,
 * by revenue impact. Confidence needs the support of the antecedent; support and lift also
 * need the round's transaction count, which federation publishes only when `transactions`
 * is given; whatever is missing is said in `reason`.
 */
export function consortiumBundles(
  patterns: readonly PublishedPattern[],
  noise: { supportSigma: number; transactions?: { value: number; sigma: number } },
  round: RoundRef | null,
  names: ReadonlyMap<string, string> = new Map(),
): BundleDocument {
  const published = new Map(patterns.map((p) => [itemsetKey(p.items), p.support]));
  const bundles = patterns
    .filter((p) => p.items.length >= 2)
    .sort((a, b) => b.utilityCents - a.utilityCents)
    .map((pattern) => {
      const items = pattern.items.map((sku) => ({ sku, name: names.get(sku) ?? sku }));
      const base = { items, revenueImpactCents: pattern.utilityCents, support: null, confidence: null, lift: null, liftLow95: null, liftHigh95: null, liftAboveOne: false } as BundleDocument['bundles'][number];
      // The split X → {y} with the highest confidence among those whose subsets were published.
      let best: { confidence: number; antecedent: number; consequent: number } | null = null;
      const missing = new Set<string>();
      for (const consequent of pattern.items) {
        const antecedentItems = pattern.items.filter((item) => item !== consequent);
        const antecedent = published.get(itemsetKey(antecedentItems));
        const consequentSupport = published.get(itemsetKey([consequent]));
        if (antecedent === undefined) missing.add(`{${antecedentItems.join(', ')}}`);
        if (consequentSupport === undefined) missing.add(`{${consequent}}`);
        if (antecedent === undefined || consequentSupport === undefined || !(antecedent > 0)) continue;
        const confidence = Math.min(1, pattern.support / Math.max(antecedent, pattern.support));
        if (!best || confidence > best.confidence) best = { confidence, antecedent, consequent: consequentSupport };
      }
      if (!best) return { ...base, reason: `confidence and lift need the supports of the bundle's parts; the round did not publish ${[...missing].join(' or ')}` };
      if (!noise.transactions) return { ...base, confidence: best.confidence, reason: "support and lift need the round's transaction count, which the round does not publish" };
      const result = bundleStatistics({
        itemset: { value: pattern.support, sigma: noise.supportSigma },
        antecedent: { value: best.antecedent, sigma: noise.supportSigma },
        consequent: { value: best.consequent, sigma: noise.supportSigma },
        transactions: noise.transactions,
      });
      if (!result.ok) return { ...base, confidence: best.confidence, reason: result.reason };
      return { ...base, ...result.statistics };
    });
  return { round, bundles };
}

/** The store's own exact measures next to each consortium bundle (store node only). */
export function withStoreMeasures(
  document: BundleDocument,
  measures: ReadonlyMap<string, { utilityCents: number; support: number }>,
  transactions: number,
): BundleDocument {
  return {
    ...document,
    bundles: document.bundles.map((bundle) => {
      const skus = bundle.items.map((item) => item.sku);
      const own = measures.get(itemsetKey(skus));
      if (!own || transactions <= 0) return bundle;
      let confidence = 0;
      let lift = 0;
      for (const consequent of skus) {
        const antecedent = measures.get(itemsetKey(skus.filter((sku) => sku !== consequent)))?.support ?? 0;
        const consequentSupport = measures.get(itemsetKey([consequent]))?.support ?? 0;
        if (antecedent > 0 && own.support / antecedent > confidence) {
          confidence = own.support / antecedent;
          lift = consequentSupport > 0 ? (own.support * transactions) / (antecedent * consequentSupport) : 0;
        }
      }
      return { ...bundle, store: { utilityCents: own.utilityCents, support: own.support / transactions, confidence, lift } };
    }),
  };
}

/** Every itemset whose support the store measure needs: the bundles, their antecedents and singletons. */
export function itemsetsToMeasure(bundles: ReadonlyArray<{ items: readonly string[] }>): string[][] {
  const out = new Map<string, string[]>();
  for (const { items } of bundles) {
    out.set(itemsetKey(items), [...items].sort());
    for (const item of items) {
      out.set(itemsetKey([item]), [item]);
      const rest = items.filter((other) => other !== item);
      out.set(itemsetKey(rest), [...rest].sort());
    }
  }
  return [...out.values()];
}

/** Stock alerts from the counted levels and the store's daily forecasts. */
export function stockAlerts(levels: readonly StockLevel[], daily: ForecastDocument | null): StockAlertView[] {
  const forecasts = new Map((daily?.forecasts ?? []).map((forecast) => [forecast.sku, forecast]));
  const alerts: StockAlertView[] = [];
  for (const level of levels) {
    const forecast = forecasts.get(level.sku);
    if (!forecast || !forecast.points.length) continue;
    const serviceLevel = isServiceLevel(level.serviceLevel) ? level.serviceLevel : 95;
    const advice = reorderAdvice({ period: 'day', points: forecast.points }, level.stock, level.leadTimeDays, serviceLevel);
    alerts.push({
      sku: level.sku,
      name: level.name ?? forecast.name,
      stock: level.stock,
      reorderPoint: advice.reorderPoint,
      daysToStockOut: advice.daysToStockOut,
      serviceLevel,
      leadTimeDays: level.leadTimeDays,
      belowReorderPoint: advice.belowReorderPoint,
    });
  }
  return alerts.sort((a, b) => Number(b.belowReorderPoint) - Number(a.belowReorderPoint) || (a.daysToStockOut ?? Infinity) - (b.daysToStockOut ?? Infinity) || a.sku.localeCompare(b.sku));
}

/** Consortium series per item from a demand-series round's points, gaps filled with 0. */
export function consortiumSeries(points: ReadonlyArray<{ sku: string; periodStart: string; quantity: number }>, period: Period): { sku: string; name: string; series: SeriesPoint[] }[] {
  const bySku = new Map<string, { date: string; quantity: number }[]>();
  let first = '';
  let last = '';
  for (const point of points) {
    const list = bySku.get(point.sku) ?? [];
    list.push({ date: point.periodStart, quantity: Math.max(0, point.quantity) });
    bySku.set(point.sku, list);
    if (!first || point.periodStart < first) first = point.periodStart;
    if (point.periodStart > last) last = point.periodStart;
  }
  return [...bySku.entries()].map(([sku, sales]) => {
    const byPeriod = new Map(sales.map((s) => [periodStart(s.date, period), s.quantity]));
    const series: SeriesPoint[] = [];
    for (let current = periodStart(first, period); current <= last; current = addPeriods(current, period, 1)) series.push({ period: current, quantity: byPeriod.get(current) ?? 0 });
    return { sku, name: sku, series };
  });
}
