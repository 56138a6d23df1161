/**
 * Zero-concentrated differential privacy (zCDP) accounting.
 *
 * Papers and what is implemented from each:
 *   - M. Bun, T. Steinke, "Concentrated Differential Privacy: Simplifications, Extensions,
 *     and Lower Bounds", TCC 2016 (arXiv:1605.02065):
 *       Definition 1.1 (ρ-zCDP: D_α(M(x)‖M(x')) <= ρα for all α > 1),
 *       Proposition 1.4 (ε-DP implies ε²/2-zCDP)  → `pureDpToRho`,
 *       Proposition 1.6 (Gaussian, L2 sensitivity Δ, variance σ²: Δ²/(2σ²)-zCDP) → `gaussianRho`,
 *       Lemma 2.3 (composition: ρ's add)          → `composeRho`,
 *       Proposition 1.3 (ρ-zCDP ⇒ (ρ + 2√(ρ log 1/δ), δ)-DP) → `zcdpToEpsilonSimple`.
 *   - C. Canonne, G. Kamath, T. Steinke, "The Discrete Gaussian for Differential Privacy",
 *     NeurIPS 2020 (arXiv:2004.00010):
 *       the discrete Gaussian N_Z(0,σ²) added to an integer query with L2 sensitivity Δ
 *       satisfies (Δ²/(2σ²))-zCDP — the same ρ as the continuous Gaussian (their Theorem 4
 *       for one dimension; Theorem 14 for independent noise on each coordinate of a vector);
 *       Proposition 12 / Corollary 13: the conversion of a Rényi/zCDP bound to (ε, δ)-DP
 *         δ = inf_{α>1} exp((α-1)(τ_α - ε)) / (α-1) · (1 - 1/α)^α,   τ_α = αρ for ρ-zCDP,
 *       equivalently
 *         ε = inf_{α>1} τ_α + log(1/(αδ))/(α-1) + log(1 - 1/α)       → `zcdpToEpsilon`, `rdpToEpsilon`.
 *     (The same conversion appears in Asoodeh, Liao, Calmon, Kosut, Sankar, "A Better Bound
 *     Gives a Hundred Rounds", 2020.)
 *
 * Numerics: the infimum over α is located by a coarse scan in u = log(α - 1) followed by a
 * golden-section refinement; because *any* α yields a valid bound, the returned ε is the
 * objective evaluated at the α found, rounded up by a relative 2^-40, so numerical error can
 * only make it (very slightly) conservative. `epsilonToRho` inverts by bisection on ρ,
 * keeping the invariant zcdpToEpsilon(lo, δ) <= ε, so the returned ρ always satisfies the target.
 */
import { Rational, RationalLike, div, mul, toRational } from './rational';
import { toNumberUp } from './float';

/** A privacy cost of one release, in the form the accountant composes. */
export type PrivacyCost =
  | { readonly kind: 'zcdp'; readonly rho: number }
  | { readonly kind: 'pure'; readonly epsilon: number };

const ROUND_UP = 1 + 2 ** -40;

function checkRho(rho: number, name = 'rho'): void {
  if (typeof rho !== 'number' || !(rho >= 0) || !Number.isFinite(rho)) throw new RangeError(`${name} must be a finite number >= 0, got ${rho}`);
}

function checkDelta(delta: number): void {
  if (typeof delta !== 'number' || !(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`);
}

function checkEpsilon(epsilon: number, name = 'epsilon'): void {
  if (typeof epsilon !== 'number' || !(epsilon >= 0) || !Number.isFinite(epsilon)) throw new RangeError(`${name} must be a finite number >= 0, got ${epsilon}`);
}

/**
 * ρ = Δ² / (2σ²) for Gaussian or discrete Gaussian noise of variance parameter σ² on a
 * query with L2 sensitivity Δ (BS16 Prop 1.6; CKS20 Thm 4/14 for the discrete Gaussian).
 * Computed exactly from the rationals and rounded up to a double.
 */
export function gaussianRho(l2Sensitivity: RationalLike, sigma2: RationalLike): number {
  const d = toRational(l2Sensitivity);
  const s2 = toRational(sigma2);
  if (d.num < 0n) throw new RangeError('l2Sensitivity must be >= 0');
  if (s2.num <= 0n) throw new RangeError('sigma2 must be > 0');
  const rho: Rational = div(mul(d, d), mul({ num: 2n, den: 1n }, s2));
  return toNumberUp(rho);
}

/** ρ for discrete Gaussian noise given σ (σ² = σ·σ exactly). */
export function gaussianRhoFromSigma(l2Sensitivity: RationalLike, sigma: RationalLike): number {
  const s = toRational(sigma);
  return gaussianRho(l2Sensitivity, mul(s, s));
}

/** ε-DP implies (ε²/2)-zCDP (BS16 Prop 1.4). Exact, rounded up to a double. */
export function pureDpToRho(epsilon: number): number {
  checkEpsilon(epsilon);
  const e = toRational(epsilon);
  return toNumberUp(div(mul(e, e), { num: 2n, den: 1n }));
}

/** The ρ of a single cost. */
export function costToRho(cost: PrivacyCost): number {
  if (cost.kind === 'zcdp') {
    checkRho(cost.rho);
    return cost.rho;
  }
  if (cost.kind === 'pure') return pureDpToRho(cost.epsilon);
  throw new TypeError(`unknown privacy cost kind: ${(cost as { kind: unknown }).kind}`);
}

/** Composition: the ρ of running all releases (ρ's add, BS16 Lemma 2.3). Accepts costs or raw ρ numbers. */
export function composeRho(costs: Iterable<PrivacyCost | number>): number {
  let total = 0;
  for (const c of costs) {
    if (typeof c === 'number') checkRho(c);
    total += typeof c === 'number' ? c : costToRho(c);
  }
  return total;
}

/** BS16 Prop 1.3: ρ-zCDP ⇒ (ρ + 2√(ρ log(1/δ)), δ)-DP. Looser than `zcdpToEpsilon`; for comparison. */
export function zcdpToEpsilonSimple(rho: number, delta: number): number {
  checkRho(rho);
  checkDelta(delta);
  return (rho + 2 * Math.sqrt(rho * Math.log(1 / delta))) * ROUND_UP;
}

/**
 * Minimises g over α > 1 where g receives (α, α-1, log α). Returns the minimum value and the
 * minimiser. Parametrised by u = log(α-1) in [-40, 60] so both α → 1 and α → ∞ are reachable.
 */
function minimizeOverAlpha(g: (alpha: number, am1: number, logAlpha: number) => number): { value: number; alpha: number } {
  const U_MIN = -40;
  const U_MAX = 60;
  const STEPS = 200;
  const f = (u: number): number => {
    const am1 = Math.exp(u);
    const alpha = 1 + am1;
    const v = g(alpha, am1, Math.log1p(am1));
    return Number.isNaN(v) ? Infinity : v;
  };
  let bestI = 0;
  let bestV = Infinity;
  const h = (U_MAX - U_MIN) / STEPS;
  for (let i = 0; i <= STEPS; i++) {
    const v = f(U_MIN + i * h);
    if (v < bestV) {
      bestV = v;
      bestI = i;
    }
  }
  // Golden-section search on the bracket around the best grid point.
  let a = U_MIN + Math.max(0, bestI - 1) * h;
  let b = U_MIN + Math.min(STEPS, bestI + 1) * h;
  const R = (Math.sqrt(5) - 1) / 2;
  let c = b - R * (b - a);
  let d = a + R * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let it = 0; it < 100 && b - a > 1e-13; it++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - R * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + R * (b - a);
      fd = f(d);
    }
  }
  let u = U_MIN + bestI * h;
  let value = bestV;
  for (const [uu, vv] of [[c, fc], [d, fd]] as const) {
    if (vv < value) {
      value = vv;
      u = uu;
    }
  }
  return { value, alpha: 1 + Math.exp(u) };
}

/**
 * (ε, δ)-DP implied by a Rényi-divergence curve D_α <= curve(α) for all α > 1
 * (CKS20 Proposition 12 in its ε form): ε = inf_α curve(α) + log(1/(αδ))/(α-1) + log(1-1/α).
 * Clamped at 0. Used for curves that are not of the pure αρ form (distributed discrete Gaussian).
 */
export function rdpToEpsilon(curve: (alpha: number) => number, delta: number): { epsilon: number; alpha: number } {
  checkDelta(delta);
  const logInvDelta = -Math.log(delta);
  const { value, alpha } = minimizeOverAlpha((alpha, am1, logAlpha) => {
    // log(1 - 1/α) = log(α-1) - log α, computed from am1 to avoid cancellation near α = 1.
    return curve(alpha) + (logInvDelta - logAlpha) / am1 + (Math.log(am1) - logAlpha);
  });
  return { epsilon: Math.max(0, value * ROUND_UP), alpha };
}

/**
 * The ε for which ρ-zCDP implies (ε, δ)-DP, by the tight conversion of CKS20
 * Proposition 12 / Corollary 13: ε = inf_{α>1} αρ + log(1/(αδ))/(α-1) + log(1-1/α).
 */
export function zcdpToEpsilon(rho: number, delta: number): number {
  checkRho(rho);
  checkDelta(delta);
  if (rho === 0) return 0;
  return rdpToEpsilon((alpha) => alpha * rho, delta).epsilon;
}

/**
 * The δ for which ρ-zCDP implies (ε, δ)-DP (CKS20 Proposition 12, δ form):
 * δ = inf_{α>1} exp((α-1)(αρ - ε)) / (α-1) · (1-1/α)^α, capped at 1.
 */
export function zcdpToDelta(rho: number, epsilon: number): number {
  checkRho(rho);
  checkEpsilon(epsilon);
  if (rho === 0) return 0;
  const { value } = minimizeOverAlpha((alpha, am1, logAlpha) => am1 * (alpha * rho - epsilon) + alpha * (Math.log(am1) - logAlpha) - Math.log(am1));
  return Math.min(1, Math.exp(value) * ROUND_UP);
}

/**
 * The largest ρ such that ρ-zCDP implies (ε, δ)-DP under `zcdpToEpsilon`
 * (bisection on ρ; zcdpToEpsilon is increasing in ρ). Always zcdpToEpsilon(result, δ) <= ε.
 */
export function epsilonToRho(epsilon: number, delta: number): number {
  checkEpsilon(epsilon);
  checkDelta(delta);
  if (epsilon === 0) return 0;
  let lo = 0;
  let hi = Math.max(epsilon, 1e-300);
  while (zcdpToEpsilon(hi, delta) <= epsilon) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) throw new RangeError('epsilonToRho: no finite bound');
  }
  for (let i = 0; i < 200; i++) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (zcdpToEpsilon(mid, delta) <= epsilon) lo = mid;
    else hi = mid;
  }
  return lo;
}
