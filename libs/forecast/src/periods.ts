// Calendar periods of a demand series: days, weeks starting Monday, calendar months, all in
// UTC and named by the ISO date (YYYY-MM-DD) of their first day.

export type Period = 'day' | 'week' | 'month';

export const PERIODS: readonly Period[] = ['day', 'week', 'month'];

const DAY_MS = 86_400_000;

export function isPeriod(value: unknown): value is Period {
  return value === 'day' || value === 'week' || value === 'month';
}

/** The ISO date of the first day of the period containing `date` (an ISO date or timestamp). */
export function periodStart(date: string | Date, period: Period): string {
  const time = typeof date === 'string' ? Date.parse(date.length === 10 ? `${date}T00:00:00Z` : date) : date.getTime();
  if (!Number.isFinite(time)) throw new Error(`not a date: ${String(date)}`);
  const day = new Date(Math.floor(time / DAY_MS) * DAY_MS);
  if (period === 'week') {
    const mondayOffset = (day.getUTCDay() + 6) % 7;
    day.setUTCDate(day.getUTCDate() - mondayOffset);
  } else if (period === 'month') {
    day.setUTCDate(1);
  }
  return day.toISOString().slice(0, 10);
}

/** The start of the period `steps` periods after the one starting at `start`. */
export function addPeriods(start: string, period: Period, steps: number): string {
  const day = new Date(`${start}T00:00:00Z`);
  if (period === 'day') day.setUTCDate(day.getUTCDate() + steps);
  else if (period === 'week') day.setUTCDate(day.getUTCDate() + 7 * steps);
  else day.setUTCMonth(day.getUTCMonth() + steps);
  return day.toISOString().slice(0, 10);
}

/** Every period start from `first` to `last` inclusive. */
export function periodRange(first: string, last: string, period: Period): string[] {
  const out: string[] = [];
  for (let current = periodStart(first, period); current <= last; current = addPeriods(current, period, 1)) out.push(current);
  return out;
}

export interface SeriesPoint {
  period: string;
  quantity: number;
}

/**
 * Sums dated quantities into consecutive periods from `from` to `until` (both optional:
 * the first and last observation by default); periods with no sale are 0, because a
 * missing week of a product that did not sell is a week of zero demand.
 */
export function toPeriodSeries(observations: Iterable<{ date: string; quantity: number }>, period: Period, options: { from?: string; until?: string } = {}): SeriesPoint[] {
  const sums = new Map<string, number>();
  let first: string | undefined;
  let last: string | undefined;
  for (const { date, quantity } of observations) {
    const start = periodStart(date, period);
    sums.set(start, (sums.get(start) ?? 0) + quantity);
    if (first === undefined || start < first) first = start;
    if (last === undefined || start > last) last = start;
  }
  const from = options.from ? periodStart(options.from, period) : first;
  const until = options.until ? periodStart(options.until, period) : last;
  if (from === undefined || until === undefined) return [];
  return periodRange(from, until, period).map((start) => ({ period: start, quantity: sums.get(start) ?? 0 }));
}

/** Seasonal cycles worth modelling for a period: weekly and yearly for days, yearly otherwise. */
export function seasonalCycles(period: Period): number[] {
  if (period === 'day') return [7, 365];
  if (period === 'week') return [52];
  return [12];
}

/**
 * The last day of the last complete period up to `lastDay` (inclusive): a period cut short by
 * the end of the data would read as a drop in demand, so it is left to be forecast instead.
 */
export function lastCompletePeriodEnd(lastDay: string, period: Period): string {
  const day = lastDay.slice(0, 10);
  const start = periodStart(day, period);
  return addPeriods(start, period, 1) === addPeriods(day, 'day', 1) ? day : addPeriods(start, 'day', -1);
}
