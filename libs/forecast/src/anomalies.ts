// Unusual periods of a consortium demand series. Spikes and dips are periods whose residual
// from a running median has a robust z-score (median absolute deviation,
// Iglewicz & Hoaglin 1993, "How to detect and handle outliers") above the threshold;
// level shifts are the changepoints of augurs' Bayesian online changepoint detector with a
// Normal-Gamma prior (Adams & MacKay 2007, "Bayesian online changepoint detection").
import { augursChangepoint } from './augurs';
import type { Period, SeriesPoint } from './periods';

export type AnomalyKind = 'spike' | 'dip' | 'level-shift';

export interface Anomaly {
  period: string;
  quantity: number;
  expected: number;
  kind: AnomalyKind;
  score: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Robust expected level: a centred running median over `window` periods (spikes do not move it). */
function runningMedian(y: readonly number[], window: number): number[] {
  const half = window >> 1;
  return y.map((_, t) => median(y.slice(Math.max(0, t - half), t + half + 1)));
}

export function detectAnomalies(series: readonly SeriesPoint[], period: Period, options: { threshold?: number; changepoints?: boolean } = {}): Anomaly[] {
  const threshold = options.threshold ?? 3.5;
  if (series.length < 8) return [];
  const y = series.map((point) => point.quantity);
  // A robust level rather than a seasonal fit: a fitted season absorbs a spike and then
  // flags its echo a cycle later. Seasonality in a consortium series is a pattern, not an anomaly.
  const expected = runningMedian(y, 5);
  const residuals = y.map((value, t) => value - expected[t]);
  const center = median(residuals);
  const mad = median(residuals.map((r) => Math.abs(r - center)));
  const anomalies: Anomaly[] = [];
  if (mad > 0) {
    residuals.forEach((residual, t) => {
      const score = (0.6745 * (residual - center)) / mad;
      if (Math.abs(score) > threshold) anomalies.push({ period: series[t].period, quantity: y[t], expected: expected[t], kind: score > 0 ? 'spike' : 'dip', score });
    });
  }
  if (options.changepoints !== false) {
    const scale = median(y.map((v) => Math.abs(v - median(y)))) || 1;
    const standardised = y.map((v) => (v - median(y)) / scale);
    // Noise level of one period (MAD of the residuals, as a standard deviation).
    const sigma = (mad / 0.6745) || scale;
    const detector = augursChangepoint().ChangepointDetector.normalGamma({ hazardLambda: 250 });
    try {
      for (const index of detector.detectChangepoints(Float64Array.from(standardised)).indices) {
        if (index <= 0 || index >= y.length) continue;
        const before = median(y.slice(Math.max(0, index - 8), index));
        const after = median(y.slice(index, index + 8));
        const score = (after - before) / sigma;
        // A lone outlier also splits runs; a level shift must move the median level itself.
        if (Math.abs(score) > threshold) anomalies.push({ period: series[index].period, quantity: y[index], expected: before, kind: 'level-shift', score });
      }
    } finally {
      detector.free();
    }
  }
  return anomalies.sort((a, b) => a.period.localeCompare(b.period) || a.kind.localeCompare(b.kind));
}
