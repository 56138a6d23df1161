/**
 * The floor under audit retention: a sweep may only remove audit rows older than
 * `AUDIT_RETENTION_MIN_DAYS`, whatever cutoff the schedule asked for, so a mistyped
 * `olderThanDays` cannot empty the log. Pure, so the rule is tested apart from the database.
 */
export type SweepDecision = { apply: true; cutoff: Date } | { apply: false; reason: string };

const DAY_MS = 86_400_000;

export function auditSweepDecision(olderThan: string, now: Date, minDays: number): SweepDecision {
  const cutoff = new Date(olderThan);
  if (!olderThan || Number.isNaN(cutoff.getTime())) return { apply: false, reason: `olderThan "${olderThan}" is not a timestamp` };
  const latestAllowed = new Date(now.getTime() - minDays * DAY_MS);
  if (cutoff.getTime() > latestAllowed.getTime()) {
    return { apply: false, reason: `cutoff ${cutoff.toISOString()} is younger than AUDIT_RETENTION_MIN_DAYS (${minDays} days, latest allowed ${latestAllowed.toISOString()}); nothing deleted` };
  }
  return { apply: true, cutoff };
}
