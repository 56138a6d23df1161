// Reorder point under normally distributed forecast error (the textbook safety-stock rule,
// e.g. Silver, Pyke & Thomas, "Inventory and production management in supply chains", ch. 7):
//   reorder point = expected demand over the lead time + z · σ · √(lead time)
// with σ the standard deviation of one period's forecast error and the lead time in periods.
import type { Period } from './periods';

export type ServiceLevel = 95 | 97.5 | 99;

export const SERVICE_LEVEL_Z: Readonly<Record<ServiceLevel, number>> = { 95: 1.645, 97.5: 1.96, 99: 2.326 };

export function isServiceLevel(value: number): value is ServiceLevel {
  return value === 95 || value === 97.5 || value === 99;
}

export const DAYS_PER_PERIOD: Readonly<Record<Period, number>> = { day: 1, week: 7, month: 365.25 / 12 };

export interface ForecastForStock {
  period: Period;
  /** Point forecasts, one per future period. */
  points: ReadonlyArray<{ quantity: number; lower95: number; upper95: number }>;
}

/** σ of one period's demand from the first period's 95 % interval. */
export function periodSigma(forecast: ForecastForStock): number {
  const first = forecast.points[0];
  return first ? Math.max(0, first.upper95 - first.lower95) / (2 * 1.959963984540054) : 0;
}

/** Expected demand over the next `days` days (partial periods pro rata; the last period repeats beyond the horizon). */
export function demandOverDays(forecast: ForecastForStock, days: number): number {
  const length = DAYS_PER_PERIOD[forecast.period];
  let remaining = days;
  let total = 0;
  for (let index = 0; remaining > 0; index++) {
    const point = forecast.points[Math.min(index, forecast.points.length - 1)];
    if (!point) break;
    const share = Math.min(1, remaining / length);
    total += point.quantity * share;
    remaining -= length;
  }
  return total;
}

export interface ReorderAdvice {
  reorderPoint: number;
  safetyStock: number;
  expectedLeadTimeDemand: number;
  /** Days until the expected demand uses up the stock; null when it lasts beyond the forecast horizon. */
  daysToStockOut: number | null;
  belowReorderPoint: boolean;
}

export function reorderAdvice(forecast: ForecastForStock, stock: number, leadTimeDays: number, serviceLevel: ServiceLevel): ReorderAdvice {
  if (!(leadTimeDays > 0)) throw new Error('leadTimeDays must be positive');
  const z = SERVICE_LEVEL_Z[serviceLevel];
  const leadTimePeriods = leadTimeDays / DAYS_PER_PERIOD[forecast.period];
  const expectedLeadTimeDemand = demandOverDays(forecast, leadTimeDays);
  const safetyStock = z * periodSigma(forecast) * Math.sqrt(leadTimePeriods);
  const reorderPoint = expectedLeadTimeDemand + safetyStock;
  return { reorderPoint, safetyStock, expectedLeadTimeDemand, daysToStockOut: daysToStockOut(forecast, stock), belowReorderPoint: stock < reorderPoint };
}

/** Days until cumulative expected demand reaches `stock`, within the forecast horizon. */
export function daysToStockOut(forecast: ForecastForStock, stock: number): number | null {
  if (stock <= 0) return 0;
  const length = DAYS_PER_PERIOD[forecast.period];
  let remaining = stock;
  let days = 0;
  for (const point of forecast.points) {
    const daily = point.quantity / length;
    if (daily * length >= remaining) return days + (daily > 0 ? remaining / daily : 0);
    remaining -= daily * length;
    days += length;
  }
  return null;
}
