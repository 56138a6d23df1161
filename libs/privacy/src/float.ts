/**
 * Directed rounding helpers for conservative floating-point accounting: privacy
 * parameters computed in binary64 are rounded in the direction that never overstates
 * privacy (ρ and ε up, σ and noise scales up, budgets down).
 */
import { Rational, compare, fromNumber, toNumber } from './rational';

const F = new Float64Array(1);
const I = new BigInt64Array(F.buffer);

/** Smallest double > x (x finite). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  F[0] = x;
  I[0] += x > 0 ? 1n : -1n;
  return F[0];
}

/** Largest double < x (x finite). */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

/** The smallest double >= the exact rational r. */
export function toNumberUp(r: Rational): number {
  let x = toNumber(r);
  while (Number.isFinite(x) && compare(fromNumber(x), r) < 0) x = nextUp(x);
  while (Number.isFinite(x) && x > -Infinity && compare(fromNumber(nextDown(x)), r) >= 0) x = nextDown(x);
  return x;
}

/** The largest double <= the exact rational r. */
export function toNumberDown(r: Rational): number {
  return -toNumberUp({ num: -r.num, den: r.den });
}
