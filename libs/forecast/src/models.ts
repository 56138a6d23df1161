// The forecasting models: seasonal naive (the baseline every model must beat), MSTL with an
// AutoETS trend (Bandara, Hyndman & Bergmeir 2021, "MSTL: a seasonal-trend decomposition
// algorithm for time series with multiple seasonal patterns", over Cleveland et al.'s STL),
// and AutoETS (Hyndman et al. 2002 / 2008, the state-space ETS framework). MSTL and AutoETS
// come from @bsull/augurs; seasonal naive and its intervals follow Hyndman & Athanasopoulos,
// "Forecasting: principles and practice" (3rd ed.), section 5.5.
//
// What works in @bsull/augurs 0.10.2 (checked; see docs/insights.md): `MSTL.ets(periods)` with
// one or several periods, given at least two full cycles of data; `new AutoETS(m, 'ZZN')`
// (error and trend chosen automatically, no season). AutoETS with a seasonal component
// ('ZZZ', 'AAA', 'ANA', ...) does not: the crate panics with "seasonal component not
// implemented yet" (or finds no model), so seasonality is left to MSTL and AutoETS is used
// without a season.
import { augursEts, augursMstl } from './augurs';

export type ModelName = 'seasonal-naive' | 'mstl-ets' | 'auto-ets';

export interface ModelForecast {
  point: number[];
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
}

const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

/** Cycles of `cycles` the series is long enough to estimate (two full cycles at least). */
export function feasibleCycles(length: number, cycles: readonly number[]): number[] {
  return cycles.filter((cycle) => cycle >= 2 && length >= 2 * cycle);
}

/** The season of the seasonal naive baseline: the longest feasible cycle, else 1 (naive). */
export function baselineSeason(length: number, cycles: readonly number[]): number {
  const feasible = feasibleCycles(length, cycles);
  return feasible.length ? Math.max(...feasible) : 1;
}

/** Mean absolute error of the in-sample seasonal naive forecast (the MASE scale). */
export function seasonalNaiveScale(y: readonly number[], season: number): number {
  let sum = 0;
  let count = 0;
  for (let t = season; t < y.length; t++) {
    sum += Math.abs(y[t] - y[t - season]);
    count++;
  }
  return count ? sum / count : 0;
}

/** Seasonal naive: each future period repeats the same period of the last cycle. */
export function seasonalNaive(y: readonly number[], horizon: number, season: number): ModelForecast {
  if (y.length === 0) throw new Error('seasonal naive needs at least one observation');
  const m = Math.min(season, y.length);
  // Residual standard deviation of the in-sample seasonal naive fit (no parameters to estimate).
  let squares = 0;
  let count = 0;
  for (let t = m; t < y.length; t++) {
    squares += (y[t] - y[t - m]) ** 2;
    count++;
  }
  const sigma = count ? Math.sqrt(squares / count) : 0;
  const out = emptyForecast();
  for (let h = 1; h <= horizon; h++) {
    const point = y[y.length - m + ((h - 1) % m)];
    const spread = sigma * Math.sqrt(Math.floor((h - 1) / m) + 1);
    push(out, point, point - Z80 * spread, point + Z80 * spread, point - Z95 * spread, point + Z95 * spread);
  }
  return out;
}

interface AugursModel {
  fit(y: number[] | Float64Array): void;
  predict(horizon: number, level?: number | null): { point: number[]; intervals?: { lower: number[]; upper: number[] } };
  free(): void;
}

function predictWithIntervals(model: AugursModel, y: readonly number[], horizon: number): ModelForecast {
  try {
    model.fit(Float64Array.from(y));
    const at80 = model.predict(horizon, 0.8);
    const at95 = model.predict(horizon, 0.95);
    const out = emptyForecast();
    for (let h = 0; h < horizon; h++) {
      const point = at95.point[h];
      push(out, point, at80.intervals?.lower[h] ?? point, at80.intervals?.upper[h] ?? point, at95.intervals?.lower[h] ?? point, at95.intervals?.upper[h] ?? point);
    }
    if (!out.point.every(Number.isFinite)) throw new Error('the model produced a non-finite forecast');
    return out;
  } finally {
    model.free();
  }
}

/** MSTL over the feasible cycles, trend and remainder by AutoETS. */
export function mstlEts(y: readonly number[], horizon: number, cycles: readonly number[]): ModelForecast {
  const periods = feasibleCycles(y.length, cycles);
  if (!periods.length) throw new Error(`MSTL needs two full cycles of ${cycles.join(' or ')} periods; the series has ${y.length}`);
  return predictWithIntervals(augursMstl().MSTL.ets(periods) as unknown as AugursModel, y, horizon);
}

/** AutoETS without a season (see the header: the seasonal variants do not work). */
export function autoEts(y: readonly number[], horizon: number): ModelForecast {
  if (y.length < 4) throw new Error('AutoETS needs at least 4 observations');
  return predictWithIntervals(new (augursEts().AutoETS)(1, 'ZZN') as unknown as AugursModel, y, horizon);
}

export function runModel(name: ModelName, y: readonly number[], horizon: number, cycles: readonly number[]): ModelForecast {
  if (name === 'seasonal-naive') return nonNegative(seasonalNaive(y, horizon, baselineSeason(y.length, cycles)));
  if (name === 'mstl-ets') return nonNegative(mstlEts(y, horizon, cycles));
  return nonNegative(autoEts(y, horizon));
}

/** Demand cannot be negative: clip points and bounds at 0. */
function nonNegative(forecast: ModelForecast): ModelForecast {
  const clip = (values: number[]) => values.map((value) => Math.max(0, value));
  return { point: clip(forecast.point), lower80: clip(forecast.lower80), upper80: clip(forecast.upper80), lower95: clip(forecast.lower95), upper95: clip(forecast.upper95) };
}

function emptyForecast(): ModelForecast {
  return { point: [], lower80: [], upper80: [], lower95: [], upper95: [] };
}

function push(out: ModelForecast, point: number, lower80: number, upper80: number, lower95: number, upper95: number): void {
  out.point.push(point);
  out.lower80.push(Math.min(point, lower80));
  out.upper80.push(Math.max(point, upper80));
  out.lower95.push(Math.min(point, lower95, lower80));
  out.upper95.push(Math.max(point, upper95, upper80));
}
