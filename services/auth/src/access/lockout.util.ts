/**
 * Sign-in lockout with exponential backoff, per email (known or not, so a lockout does not
 * reveal which emails have accounts). After `threshold` consecutive failures the email is
 * locked for `baseSeconds`; every further failure doubles that, up to `maxSeconds`. A
 * success clears the count; so does a quiet day.
 */
export interface LockoutPolicy {
  threshold: number;
  baseSeconds: number;
  maxSeconds: number;
}

export interface ThrottleState {
  failures: number;
  lockedUntil: Date | null;
  lastFailureAt: Date | null;
}

export const NO_FAILURES: ThrottleState = { failures: 0, lockedUntil: null, lastFailureAt: null };
const FORGET_AFTER_MS = 24 * 3600 * 1000;

/** Seconds the email stays locked (0 when it may try now), rounded up. */
export function lockedForSeconds(state: ThrottleState, now: Date): number {
  if (!state.lockedUntil) return 0;
  const remaining = state.lockedUntil.getTime() - now.getTime();
  return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
}

/** Lock duration after `failures` consecutive failures (0 below the threshold). */
export function lockDurationSeconds(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 30);
  return Math.min(policy.maxSeconds, policy.baseSeconds * 2 ** doublings);
}

export function afterFailure(state: ThrottleState, now: Date, policy: LockoutPolicy): ThrottleState {
  const stale = state.lastFailureAt !== null && now.getTime() - state.lastFailureAt.getTime() > FORGET_AFTER_MS;
  const failures = (stale ? 0 : state.failures) + 1;
  const seconds = lockDurationSeconds(failures, policy);
  return { failures, lastFailureAt: now, lockedUntil: seconds > 0 ? new Date(now.getTime() + seconds * 1000) : null };
}

export function afterSuccess(): ThrottleState {
  return NO_FAILURES;
}
