/**
 * Calendar periods of a demand series, in UTC: a day, an ISO week (starting Monday) or a
 * calendar month, each named by the ISO date of its first day. Public arithmetic only: the
 * coordinator fixes the periods before the round, so the layout of the vector never depends
 * on any store's data.
 */
export type Period = 'day' | 'week' | 'month';

export const PERIODS: readonly Period[] = ['day', 'week', 'month'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function isPeriod(value: string): value is Period {
  return (PERIODS as readonly string[]).includes(value);
}

/** Parses an ISO date (YYYY-MM-DD) as UTC midnight; throws a RangeError naming the field. */
export function parseIsoDate(value: string, field = 'date'): Date {
  const date = new Date(`${value}T00:00:00Z`);
  if (!ISO_DATE.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) throw new RangeError(`${field} ${JSON.stringify(value)} is not an ISO date (YYYY-MM-DD)`);
  return date;
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The first day (UTC midnight) of the period holding a moment. */
export function periodStartOf(moment: Date, period: Period): Date {
  const day = new Date(Date.UTC(moment.getUTCFullYear(), moment.getUTCMonth(), moment.getUTCDate()));
  if (period === 'day') return day;
  if (period === 'month') return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), 1));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * DAY_MS);
}

function nextPeriod(start: Date, period: Period): Date {
  if (period === 'day') return new Date(start.getTime() + DAY_MS);
  if (period === 'week') return new Date(start.getTime() + 7 * DAY_MS);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/** ISO dates of the starts of every period overlapping [from, to] (inclusive days), in order. */
export function periodStarts(from: string, to: string, period: Period): string[] {
  const first = periodStartOf(parseIsoDate(from, 'fromDate'), period);
  const last = parseIsoDate(to, 'toDate');
  if (last.getTime() < parseIsoDate(from, 'fromDate').getTime()) throw new RangeError(`toDate ${to} is before fromDate ${from}`);
  const starts: string[] = [];
  for (let start = first; start.getTime() <= last.getTime(); start = nextPeriod(start, period)) starts.push(isoDate(start));
  return starts;
}

/** The default window of a series ending on `to`: 90 days, 52 weeks or 12 months. */
export function defaultFromDate(to: string, period: Period): string {
  const end = parseIsoDate(to, 'toDate');
  if (period === 'day') return isoDate(new Date(end.getTime() - 89 * DAY_MS));
  if (period === 'week') return isoDate(new Date(periodStartOf(end, 'week').getTime() - 51 * 7 * DAY_MS));
  return isoDate(new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 11, 1)));
}
