// One item's forecast: every candidate model is backtested on a rolling origin (Tashman 2000,
// "Out-of-sample tests of forecasting accuracy"), scored by MASE (Hyndman & Koehler 2006,
// "Another look at measures of forecast accuracy") and sMAPE, and the best one is used only
// if it beats seasonal naive on MASE; otherwise the forecast is seasonal naive and says so.
import { addPeriods, seasonalCycles, type Period, type SeriesPoint } from './periods';
import { baselineSeason, feasibleCycles, runModel, seasonalNaiveScale, type ModelName } from './models';

export interface ForecastPoint {
  period: string;
  quantity: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export interface Backtest {
  /** MASE of the chosen model (seasonal naive's when it fell back). */
  mase: number;
  /** sMAPE of the chosen model, in percent (0..200). */
  smape: number;
  seasonalNaiveMase: number;
  seasonalNaiveSmape: number;
  /** Forecast origins evaluated and the periods scored over all of them. */
  origins: number;
  scoredPeriods: number;
  /** MASE of every candidate that ran, for the record. */
  candidates: Partial<Record<ModelName, number>>;
}

export interface SeriesForecast {
  model: ModelName;
  /** True when the chosen model is seasonal naive because no candidate beat it (or none could run). */
  fellBack: boolean;
  reason?: string;
  /** Season of the seasonal naive baseline (1 = naive: the series is shorter than two cycles). */
  baselineSeason: number;
  points: ForecastPoint[];
  backtest: Backtest | null;
}

export interface ForecastOptions {
  period: Period;
  horizon: number;
  /** Rolling origins of the backtest (default 4). */
  origins?: number;
  /** Candidate models besides seasonal naive (default MSTL-ETS and AutoETS). */
  models?: ModelName[];
}

export const DEFAULT_MODELS: readonly ModelName[] = ['mstl-ets', 'auto-ets'];
const MIN_TRAINING = 8;

export interface ErrorScore {
  /** Sum of |error| / scale, sum of sMAPE terms, count of scored periods. */
  scaledError: number;
  smapeSum: number;
  count: number;
}

/** sMAPE term in percent; 0 when forecast and actual are both 0. */
export function smapeTerm(actual: number, forecast: number): number {
  const denominator = Math.abs(actual) + Math.abs(forecast);
  return denominator === 0 ? 0 : (200 * Math.abs(actual - forecast)) / denominator;
}

/** Origins (training lengths) of a rolling-origin backtest, oldest first. */
export function rollingOrigins(length: number, horizon: number, count: number): number[] {
  const step = Math.max(1, Math.floor(horizon / 2));
  const origins: number[] = [];
  for (let index = 0; index < count; index++) {
    const origin = length - horizon - index * step;
    if (origin < MIN_TRAINING) break;
    origins.unshift(origin);
  }
  return origins;
}

/** Scores one model over the origins; null when it cannot run on this series. */
export function scoreModel(model: ModelName, y: readonly number[], horizon: number, cycles: readonly number[], origins: readonly number[]): ErrorScore | null {
  const score: ErrorScore = { scaledError: 0, smapeSum: 0, count: 0 };
  for (const origin of origins) {
    const training = y.slice(0, origin);
    const steps = Math.min(horizon, y.length - origin);
    // The MASE scale uses the baseline season of the data available at the origin; a
    // constant training series has scale 0 and is scored in units instead.
    const scale = seasonalNaiveScale(training, baselineSeason(training.length, cycles)) || 1;
    let forecast;
    try {
      forecast = runModel(model, training, steps, cycles);
    } catch {
      return null;
    }
    for (let h = 0; h < steps; h++) {
      const actual = y[origin + h];
      score.scaledError += Math.abs(actual - forecast.point[h]) / scale;
      score.smapeSum += smapeTerm(actual, forecast.point[h]);
      score.count++;
    }
  }
  return score.count ? score : null;
}

export function forecastSeries(series: readonly SeriesPoint[], options: ForecastOptions): SeriesForecast {
  const { period, horizon } = options;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 1000) throw new Error('horizon must be an integer from 1 to 1000');
  if (series.length === 0) throw new Error('cannot forecast an empty series');
  const y = series.map((point) => point.quantity);
  const cycles = seasonalCycles(period);
  const origins = rollingOrigins(y.length, horizon, options.origins ?? 4);
  const season = baselineSeason(y.length, cycles);
  const candidates = (options.models ?? DEFAULT_MODELS).filter((model) => model !== 'seasonal-naive' && (model !== 'mstl-ets' || feasibleCycles(y.length, cycles).length > 0));

  let chosen: ModelName = 'seasonal-naive';
  let fellBack = true;
  let reason: string | undefined;
  let backtest: Backtest | null = null;
  if (!origins.length) {
    reason = `too short to backtest (${y.length} periods; needs ${MIN_TRAINING + horizon})`;
  } else {
    const baseline = scoreModel('seasonal-naive', y, horizon, cycles, origins)!;
    const seasonalNaiveMase = baseline.scaledError / baseline.count;
    const seasonalNaiveSmape = baseline.smapeSum / baseline.count;
    const scored: Partial<Record<ModelName, number>> = { 'seasonal-naive': seasonalNaiveMase };
    let best: { model: ModelName; mase: number; smape: number } | null = null;
    for (const model of candidates) {
      const score = scoreModel(model, y, horizon, cycles, origins);
      if (!score) continue;
      const mase = score.scaledError / score.count;
      scored[model] = mase;
      if (!best || mase < best.mase) best = { model, mase, smape: score.smapeSum / score.count };
    }
    if (best && best.mase < seasonalNaiveMase) {
      chosen = best.model;
      fellBack = false;
    } else {
      reason = best ? `${best.model} did not beat seasonal naive (MASE ${round(best.mase)} vs ${round(seasonalNaiveMase)})` : 'no model could be fitted';
    }
    backtest = {
      mase: fellBack ? seasonalNaiveMase : best!.mase,
      smape: fellBack ? seasonalNaiveSmape : best!.smape,
      seasonalNaiveMase,
      seasonalNaiveSmape,
      origins: origins.length,
      scoredPeriods: baseline.count,
      candidates: scored,
    };
  }

  let forecast;
  try {
    forecast = runModel(chosen, y, horizon, cycles);
  } catch (error) {
    forecast = runModel('seasonal-naive', y, horizon, cycles);
    reason = `${chosen} failed on the full series (${(error as Error).message})`;
    chosen = 'seasonal-naive';
    fellBack = true;
    if (backtest) backtest = { ...backtest, mase: backtest.seasonalNaiveMase, smape: backtest.seasonalNaiveSmape };
  }
  const last = series[series.length - 1].period;
  const points = forecast.point.map((quantity, h) => ({
    period: addPeriods(last, period, h + 1),
    quantity,
    lower80: forecast.lower80[h],
    upper80: forecast.upper80[h],
    lower95: forecast.lower95[h],
    upper95: forecast.upper95[h],
  }));
  return { model: chosen, fellBack, ...(reason ? { reason } : {}), baselineSeason: season, points, backtest };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
