import { defaultFromDate, isoDate, isPeriod, parseIsoDate, periodStarts } from '@tessera/federated';
import type { RoundSettings, StatisticsSettings } from '../repositories/federation.repository';

/**
 * Public defaults of the contribution bounds, chosen before any round (see docs/federation.md).
 * The demand-series quantity clip defaults by ε (defaultDemandClip in libs/federated).
 */
export const DEFAULT_STATISTICS_BOUNDS = Object.freeze({
  demand: Object.freeze({ maxRevenueCentsPerTransaction: 20_000 }),
  price: Object.freeze({ minUnitPriceCents: 10, maxUnitPriceCents: 100_000, maxQuantity: 1_000 }),
});

/** Most items a catalogue may hold, and most coordinates a demand-series vector may have. */
export const MAX_CATALOGUE_ITEMS = 1_000;
export const MAX_SERIES_COORDINATES = 400_000;

/** Problems with the demand-series / price-response settings, each naming its field. */
export function statisticsProblems(settings: RoundSettings): string[] {
  if (!settings.kind || settings.kind === 'itemsets') return [];
  const s = settings as RoundSettings & StatisticsSettings;
  const problems: string[] = [];
  const { skus, topItems } = s.catalogue;
  if (skus.length > MAX_CATALOGUE_ITEMS) problems.push(`catalogue.skus must hold at most ${MAX_CATALOGUE_ITEMS} items`);
  if (new Set(skus).size !== skus.length) problems.push('catalogue.skus must not repeat an item');
  if (skus.some((sku) => !sku || sku.length > 200)) problems.push('catalogue.skus must be non-empty strings of at most 200 characters');
  if (!skus.length && !(Number.isInteger(topItems) && topItems >= 1 && topItems <= MAX_CATALOGUE_ITEMS)) problems.push(`catalogue.topItems must be from 1 to ${MAX_CATALOGUE_ITEMS} when catalogue.skus is empty`);
  if (settings.kind === 'demand-series') {
    if (!isPeriod(s.period)) problems.push(`period must be day, week or month, got ${JSON.stringify(s.period)}`);
    for (const field of ['fromDate', 'toDate'] as const) {
      if (s[field]) {
        try {
          parseIsoDate(s[field], field);
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
    }
    const { maxQuantityPerTransaction, maxRevenueCentsPerTransaction } = s.demandBounds;
    if (!(maxQuantityPerTransaction > 0 && maxQuantityPerTransaction <= 1e6)) problems.push('demandBounds.maxQuantityPerTransaction must be in (0, 1e6]');
    if (!(maxRevenueCentsPerTransaction > 0 && maxRevenueCentsPerTransaction <= 1e9)) problems.push('demandBounds.maxRevenueCentsPerTransaction must be in (0, 1e9]');
  } else {
    const { minUnitPriceCents, maxUnitPriceCents, maxQuantity } = s.priceBounds;
    if (!(minUnitPriceCents > 0 && maxUnitPriceCents > minUnitPriceCents && maxUnitPriceCents <= 1e9)) problems.push('priceBounds must satisfy 0 < minUnitPriceCents < maxUnitPriceCents <= 1e9');
    if (!(maxQuantity > 1 && maxQuantity <= 1e6)) problems.push('priceBounds.maxQuantity must be in (1, 1e6]');
    const references = s.priceBounds.referenceUnitPricesCents;
    if (references && references.length !== skus.length) problems.push('priceBounds.referenceUnitPricesCents needs one price per item of catalogue.skus, in the same order');
    if (references?.some((r) => !(r > 0) || !Number.isFinite(r))) problems.push('priceBounds.referenceUnitPricesCents must be positive prices');
    if (references && !(s.priceBounds.priceBand! > 1 && s.priceBounds.priceBand! <= 100)) problems.push('priceBounds.priceBand must be in (1, 100]');
  }
  return problems;
}

/**
 * Fixes what a statistics round measures before it starts: the dates of its window and the
 * catalogue (an explicit list, or the top items the latest itemset round published).
 * Returns problems instead of throwing so the caller reports them as one bad request.
 */
export async function resolveStatisticsSettings(settings: RoundSettings, now: Date, topItemsOfLatestItemsetRound: (n: number) => Promise<string[] | undefined>): Promise<{ settings: RoundSettings; problems: string[] }> {
  if (!settings.kind || settings.kind === 'itemsets') return { settings, problems: [] };
  const s = settings as RoundSettings & StatisticsSettings;
  const problems: string[] = [];
  let skus = s.catalogue.skus;
  if (!skus.length) {
    const top = await topItemsOfLatestItemsetRound(s.catalogue.topItems);
    if (!top) problems.push('catalogue: no itemset round has completed to take the top items from; name the items in catalogue.skus');
    else if (!top.length) problems.push('catalogue: the latest itemset round published no patterns; name the items in catalogue.skus');
    else skus = top;
  }
  let { fromDate, toDate } = s;
  if (settings.kind === 'demand-series') {
    toDate = toDate || isoDate(now);
    fromDate = fromDate || defaultFromDate(toDate, s.period);
    try {
      const periods = periodStarts(fromDate, toDate, s.period);
      // The vector holds two values per cell (clipped quantity, count) and three per item.
      if (periods.length * Math.max(1, skus.length) * 2 + 3 * skus.length > MAX_SERIES_COORDINATES) problems.push(`the series would have ${periods.length} periods of ${skus.length} items, more than ${MAX_SERIES_COORDINATES / 2} values; shorten the window or the catalogue`);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { settings: { ...s, catalogue: { skus, topItems: s.catalogue.topItems }, fromDate, toDate }, problems };
}
