// Out-of-sample check of the model choice: at each origin, forecast the top items from the
// data up to the origin exactly as the service does (model chosen on the item's own rolling-
// origin backtest, seasonal naive fallback), then score the forecasts on the periods after the
// origin, which no model saw, against seasonal naive from the same origin. MASE scales each
// item's absolute errors by the in-sample MAE of seasonal naive on its training data.
import { forecastSeries } from './forecast';
import { baselineSeason, seasonalNaive, seasonalNaiveScale } from './models';
import { addPeriods, periodStart, seasonalCycles, type Period } from './periods';
import { itemSeries, type SaleLine } from './demand';
import { smapeTerm } from './forecast';

export interface HoldoutResult {
  scoredPoints: number;
  mase: number;
  seasonalNaiveMase: number;
  smape: number;
  seasonalNaiveSmape: number;
  chosen: Record<string, number>;
  perOrigin: { origin: string; mase: number; seasonalNaiveMase: number }[];
}

/** `origins` are the last days of training (ends of periods); the horizon's actuals must be in `lines`. */
export function holdoutBacktest(lines: readonly SaleLine[], options: { period: Period; origins: readonly string[]; horizon: number; top: number }): HoldoutResult {
  const { period, horizon } = options;
  const total = { model: 0, naive: 0, modelSmape: 0, naiveSmape: 0, count: 0 };
  const chosen: Record<string, number> = {};
  const perOrigin: HoldoutResult['perOrigin'] = [];
  for (const origin of options.origins) {
    const items = itemSeries(lines, { period, until: origin, top: options.top });
    const lastDay = addPeriods(addPeriods(periodStart(origin, period), period, horizon + 1), 'day', -1);
    const actual = new Map(itemSeries(lines, { period, until: lastDay, skus: items.map((item) => item.sku) }).map((item) => [item.sku, item.series]));
    let model = 0;
    let naive = 0;
    let count = 0;
    for (const item of items) {
      const result = forecastSeries(item.series, { period, horizon });
      chosen[result.model] = (chosen[result.model] ?? 0) + 1;
      const y = item.series.map((point) => point.quantity);
      const season = baselineSeason(y.length, seasonalCycles(period));
      const scale = seasonalNaiveScale(y, season) || 1;
      const baseline = seasonalNaive(y, horizon, season).point;
      const future = (actual.get(item.sku) ?? []).slice(y.length, y.length + horizon).map((point) => point.quantity);
      for (let h = 0; h < future.length; h++) {
        model += Math.abs(future[h] - result.points[h].quantity) / scale;
        naive += Math.abs(future[h] - baseline[h]) / scale;
        total.modelSmape += smapeTerm(future[h], result.points[h].quantity);
        total.naiveSmape += smapeTerm(future[h], baseline[h]);
        count++;
      }
    }
    perOrigin.push({ origin, mase: model / count, seasonalNaiveMase: naive / count });
    total.model += model;
    total.naive += naive;
    total.count += count;
  }
  return {
    scoredPoints: total.count,
    mase: total.model / total.count,
    seasonalNaiveMase: total.naive / total.count,
    smape: total.modelSmape / total.count,
    seasonalNaiveSmape: total.naiveSmape / total.count,
    chosen,
    perOrigin,
  };
}
