import cronParser from 'cron-parser';

/** A cron expression in UTC: five fields (minute first) or six (seconds first). */
export function parseCron(expression: string): { ok: true } | { ok: false; reason: string } {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return { ok: false, reason: `has ${fields.length} fields; use five (minute hour day month weekday) or six (seconds first)` };
  try {
    cronParser.parseExpression(expression, { tz: 'UTC' });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/** The first occurrence strictly after `after`. */
export function nextOccurrence(expression: string, after: Date): Date {
  return cronParser.parseExpression(expression, { tz: 'UTC', currentDate: after }).next().toDate();
}

export interface PlannedRun {
  /** The occurrence to run now. */
  dueAt: Date;
  /** Older occurrences missed (downtime) and skipped by the catch-up rule. */
  skipped: number;
}

/** Missed occurrences are counted up to this many; beyond it the count says "at least". */
export const MAX_COUNTED_MISSES = 10_000;

/**
 * The catch-up rule: of the occurrences due since the last planned one (or since the
 * schedule was created or resumed), only the most recent runs; older ones are skipped and
 * counted. So after downtime a schedule runs at most once to catch up, never in a burst,
 * and a run that is due now is never lost. Returns null when nothing is due.
 */
export function planDueRun(expression: string, since: Date, now: Date): PlannedRun | null {
  const iterator = cronParser.parseExpression(expression, { tz: 'UTC', currentDate: since, endDate: now });
  let latest: Date | null = null;
  let count = 0;
  while (iterator.hasNext() && count < MAX_COUNTED_MISSES + 1) {
    latest = iterator.next().toDate();
    count++;
  }
  if (!latest) return null;
  if (count > MAX_COUNTED_MISSES) {
    // Too many to walk: take the latest occurrence by stepping back from now.
    latest = cronParser.parseExpression(expression, { tz: 'UTC', currentDate: new Date(now.getTime() + 1) }).prev().toDate();
  }
  return latest.getTime() > since.getTime() ? { dueAt: latest, skipped: count - 1 } : null;
}
