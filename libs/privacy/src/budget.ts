/**
 * Pure budget helpers for a zCDP ledger kept by a service (the ledger itself is out of scope).
 *
 * Model: a ledger stores the total ρ spent so far (ρ's add under composition — Bun and
 * Steinke, TCC 2016, Lemma 2.3) and a cap stated as (ε, δ)-DP. The cap is translated to
 * the largest admissible ρ with the tight conversion of Canonne, Kamath and Steinke
 * (NeurIPS 2020, Prop 12 / Cor 13), see zcdp.ts `epsilonToRho`. All decisions are made in
 * ρ-space, so they are monotone and mutually consistent:
 *   canSpend(s, cap, δ, r)  ⇔  s + r <= rhoCap(cap, δ)
 *   canSpend(s, cap, δ, remainingRho(s, cap, δ)) is always true,
 *   and whenever canSpend is true, zcdpToEpsilon(s + r, δ) <= cap (up to float rounding of 1e-12).
 */
import { nextDown } from './float';
import { epsilonToRho, zcdpToEpsilon } from './zcdp';

function checkNonNegative(x: number, name: string): void {
  if (typeof x !== 'number' || !(x >= 0) || !Number.isFinite(x)) throw new RangeError(`${name} must be a finite number >= 0, got ${x}`);
}

const capCache = new Map<string, number>();

/** The largest total ρ whose (ε, δ) under the CKS20 conversion is within capEpsilon. Memoised. */
export function rhoCap(capEpsilon: number, delta: number): number {
  checkNonNegative(capEpsilon, 'capEpsilon');
  const key = `${capEpsilon}|${delta}`;
  let v = capCache.get(key);
  if (v === undefined) {
    v = epsilonToRho(capEpsilon, delta);
    if (capCache.size > 1024) capCache.clear();
    capCache.set(key, v);
  }
  return v;
}

/** True iff spending `requestRho` on top of `spentRho` keeps the total within the (capEpsilon, δ) cap. */
export function canSpend(spentRho: number, capEpsilon: number, delta: number, requestRho: number): boolean {
  checkNonNegative(spentRho, 'spentRho');
  checkNonNegative(requestRho, 'requestRho');
  return spentRho + requestRho <= rhoCap(capEpsilon, delta);
}

/** The largest ρ that can still be spent (0 when the cap is exhausted or exceeded). */
export function remainingRho(spentRho: number, capEpsilon: number, delta: number): number {
  checkNonNegative(spentRho, 'spentRho');
  const cap = rhoCap(capEpsilon, delta);
  let r = cap - spentRho;
  if (!(r > 0)) return 0;
  while (r > 0 && spentRho + r > cap) r = nextDown(r);
  return Math.max(0, r);
}

/** The ε (at δ) already spent by a total of `spentRho`. */
export function spentEpsilon(spentRho: number, delta: number): number {
  checkNonNegative(spentRho, 'spentRho');
  return zcdpToEpsilon(spentRho, delta);
}

/** The ε (at δ) that would be spent after also spending `requestRho`. */
export function epsilonAfter(spentRho: number, delta: number, requestRho: number): number {
  checkNonNegative(spentRho, 'spentRho');
  checkNonNegative(requestRho, 'requestRho');
  return zcdpToEpsilon(spentRho + requestRho, delta);
}

/** How many more releases of `rhoPerRelease` each fit within the cap. */
export function releasesRemaining(spentRho: number, capEpsilon: number, delta: number, rhoPerRelease: number): number {
  checkNonNegative(rhoPerRelease, 'rhoPerRelease');
  if (rhoPerRelease === 0) return Infinity;
  const cap = rhoCap(capEpsilon, delta);
  let k = Math.max(0, Math.floor((cap - spentRho) / rhoPerRelease));
  // Guard against float rounding in the division: the composed total must fit.
  while (k > 0 && spentRho + k * rhoPerRelease > cap) k--;
  while (spentRho + (k + 1) * rhoPerRelease <= cap) k++;
  return k;
}
