/**
 * The distributed discrete Gaussian: n stores each add independent N_Z(0, σ_i²) noise to
 * their integer vector, a secure aggregation reveals only the sum.
 *
 * Paper: P. Kairouz, Z. Liu, T. Steinke, "The Distributed Discrete Gaussian Mechanism for
 * Federated Learning with Secure Aggregation", ICML 2021 (arXiv:2102.06387).
 * The sum of n independent discrete Gaussians is NOT a discrete Gaussian, so the ideal
 * ρ = Δ²/(2nσ²) does not hold exactly. Implemented from the paper: the privacy bound for
 * the sum of n discrete Gaussians of per-party variance parameter σ² >= 1/4 (σ >= 1/2), with
 *     τ = 10 · Σ_{k=1}^{n-1} exp(-2π²σ² · k/(k+1)),
 * in the Rényi form (their Proposition 14; Theorem 1 states the concentrated-DP form):
 * for every α > 1, with d the dimension, Δ₂/Δ₁ the L2/L1 sensitivities,
 *     D_α <= min{ α/2 · Δ₂²/(nσ²) + τd,
 *                 α/2 · (Δ₂²/(nσ²) + 2Δ₁τ/(√n σ) + τ²d),
 *                 α/2 · (Δ₂/(√n σ) + τ√d)² }.
 * The last two branches are pure ρ-zCDP with
 *     ρ = ½ · min{ Δ₂²/(nσ²) + 2Δ₁τ/(√n σ) + τ²d,  (Δ₂/(√n σ) + τ√d)² },
 * which is what this module reports as the composable ρ (ρ's add across releases); the
 * first branch only enters `epsilonRdp`, the (ε, δ) of a single release from the full curve.
 *
 * Dropouts: shares are calibrated for the FEWEST survivors the round accepts, so any larger
 * set of survivors adds at least the target variance; because τ grows with n, the reported
 * guarantee is the worst case over every survivor count the round can end with.
 * When Δ₁ is not given, Δ₁ = min(√d·Δ₂, Δ₂²) is used, valid for integer-valued vectors
 * (|v_i| <= v_i² for integers).
 */
import { Rational, RationalLike, div, mul, toNumber, toRational } from './rational';
import { nextUp, toNumberDown } from './float';
import { epsilonToRho, rdpToEpsilon, zcdpToEpsilon } from './zcdp';

export const DEFAULT_DELTA = 1e-5;

export interface DistributedGaussianShare {
  /** σ_i² = σ²/minSurvivors, exact. Feed this to DiscreteGaussianSampler({ sigma2 }). */
  shareSigma2: Rational;
  /** √(σ_i²) as a double, for display. */
  shareSigma: number;
  /** The target central σ² (exact). */
  targetSigma2: Rational;
  minSurvivors: number;
}

function checkCount(n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${n}`);
}

function checkPositive(x: number, name: string): void {
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) throw new RangeError(`${name} must be a positive finite number, got ${x}`);
}

/**
 * The per-store noise share: σ_i² = targetσ² / minSurvivors, so that any ≥ minSurvivors
 * stores together add variance ≥ targetσ². Exact rational arithmetic.
 */
export function distributedGaussianShare(input: { targetSigma?: RationalLike; targetSigma2?: RationalLike; minSurvivors: number }): DistributedGaussianShare {
  checkCount(input.minSurvivors, 'minSurvivors');
  let target2: Rational;
  if (input.targetSigma2 !== undefined && input.targetSigma !== undefined) throw new TypeError('give targetSigma or targetSigma2, not both');
  if (input.targetSigma2 !== undefined) target2 = toRational(input.targetSigma2);
  else if (input.targetSigma !== undefined) {
    const s = toRational(input.targetSigma);
    target2 = mul(s, s);
  } else throw new TypeError('targetSigma or targetSigma2 is required');
  if (target2.num <= 0n) throw new RangeError('target sigma must be > 0');
  const share2 = div(target2, { num: BigInt(input.minSurvivors), den: 1n });
  return { shareSigma2: share2, shareSigma: Math.sqrt(toNumber(share2)), targetSigma2: target2, minSurvivors: input.minSurvivors };
}

/** τ = 10 · Σ_{k=1}^{n-1} exp(-2π²σ²·k/(k+1)) for per-store variance σ² (KLS21). Rounded up slightly. */
export function ddgTau(shareSigma2: number, survivors: number): number {
  checkPositive(shareSigma2, 'shareSigma2');
  checkCount(survivors, 'survivors');
  const c = 2 * Math.PI * Math.PI * shareSigma2;
  let sum = 0;
  // Summed in increasing k, exactly as the incremental worst-case scan does, so both agree bit for bit.
  for (let k = 1; k < survivors; k++) sum += tauTerm(c, k);
  return tauFromSum(sum);
}

function tauTerm(c: number, k: number): number {
  return Math.exp((-c * k) / (k + 1));
}

function tauFromSum(sum: number): number {
  return sum === 0 ? 0 : 10 * sum * (1 + 1e-12);
}

/** The composable ρ of KLS21 (min of the two pure-ρ branches), never below the ideal, rounded up. */
function ddgRho(s2: number, n: number, tau: number, l2: number, l1: number, d: number): number {
  const sqrtNs = Math.sqrt(n * s2);
  const a2 = (l2 * l2) / (n * s2); // Δ₂²/(nσ²)
  const a = l2 / sqrtNs;
  const rho2 = (a2 + (2 * l1 * tau) / sqrtNs + tau * tau * d) / 2;
  const rho3 = ((a + tau * Math.sqrt(d)) * (a + tau * Math.sqrt(d))) / 2;
  // min(ρ₂, ρ₃) >= Δ₂²/(2nσ²) mathematically; the max guards against float rounding, nextUp rounds up.
  return nextUp(Math.max(a2 / 2, Math.min(rho2, rho3)));
}

export interface DistributedGaussianGuaranteeInput {
  /** Per-store σ_i (a number) or σ_i² (exact rational, preferred). σ_i must be >= 1/2. */
  shareSigma?: number;
  shareSigma2?: RationalLike;
  /** Number of stores whose noise is in the released sum. */
  survivors: number;
  /** L2 sensitivity Δ₂ of the summed integer vector. */
  l2Sensitivity: number;
  /** L1 sensitivity Δ₁; default min(√d·Δ₂, Δ₂²) (valid for integer vectors). */
  l1Sensitivity?: number;
  /** Dimension d of the vector (τ enters multiplied by d). */
  dimension: number;
  /** δ for the reported ε (default 1e-5). */
  delta?: number;
}

export interface DistributedGaussianGuarantee {
  survivors: number;
  dimension: number;
  shareSigma2: number;
  /** n·σ_i²: the variance parameter an exact discrete Gaussian would need to match. */
  centralSigma2: number;
  tau: number;
  l2Sensitivity: number;
  l1Sensitivity: number;
  /** Δ₂²/(2nσ_i²): what the sum would give if it were exactly N_Z(0, nσ_i²). Not guaranteed. */
  idealRho: number;
  /** The guaranteed, composable ρ-zCDP (KLS21 Thm 1 / Prop 14 pure-ρ branches). */
  rho: number;
  delta: number;
  /** zcdpToEpsilon(rho, delta). */
  epsilon: number;
  /** (ε, δ) of this single release from the full Rényi curve of KLS21 Prop 14 (<= epsilon). */
  epsilonRdp: number;
}

function resolveShareSigma2(input: { shareSigma?: number; shareSigma2?: RationalLike }): number {
  if (input.shareSigma !== undefined && input.shareSigma2 !== undefined) throw new TypeError('give shareSigma or shareSigma2, not both');
  let s2: number;
  if (input.shareSigma2 !== undefined) s2 = toNumberDown(toRational(input.shareSigma2));
  else if (input.shareSigma !== undefined) {
    checkPositive(input.shareSigma, 'shareSigma');
    s2 = squareDown(input.shareSigma);
  } else throw new TypeError('shareSigma or shareSigma2 is required');
  if (!(s2 >= 0.25)) throw new RangeError(`the KLS21 bound needs a per-store sigma >= 1/2 (sigma^2 >= 1/4), got sigma^2 = ${s2}`);
  return s2;
}

/** σ·σ rounded down (accounting with a smaller variance than the sampler uses is conservative). */
function squareDown(sigma: number): number {
  const r = toRational(sigma);
  return toNumberDown(mul(r, r));
}

function defaultL1(l2: number, d: number): number {
  return Math.min(Math.sqrt(d) * l2, l2 * l2);
}

function guaranteeFor(s2: number, n: number, tau: number, l2: number, l1: number, d: number, delta: number): DistributedGaussianGuarantee {
  const rhoIdeal = (l2 * l2) / (n * s2) / 2;
  const rho = ddgRho(s2, n, tau, l2, l1, d);
  const xi = tau * d;
  const curve = (alpha: number): number => Math.min(alpha * rhoIdeal + xi, alpha * rho);
  return {
    survivors: n,
    dimension: d,
    shareSigma2: s2,
    centralSigma2: n * s2,
    tau,
    l2Sensitivity: l2,
    l1Sensitivity: l1,
    idealRho: rhoIdeal,
    rho,
    delta,
    epsilon: zcdpToEpsilon(rho, delta),
    epsilonRdp: Math.min(zcdpToEpsilon(rho, delta), rdpToEpsilon(curve, delta).epsilon),
  };
}

function checkCommon(input: { l2Sensitivity: number; l1Sensitivity?: number; dimension: number; delta?: number }): { l1: number; delta: number } {
  checkPositive(input.l2Sensitivity, 'l2Sensitivity');
  checkCount(input.dimension, 'dimension');
  const l1 = input.l1Sensitivity ?? defaultL1(input.l2Sensitivity, input.dimension);
  checkPositive(l1, 'l1Sensitivity');
  const delta = input.delta ?? DEFAULT_DELTA;
  if (!(delta > 0 && delta < 1)) throw new RangeError(`delta must be in (0, 1), got ${delta}`);
  return { l1, delta };
}

/** The privacy actually guaranteed when `survivors` stores each added N_Z(0, σ_i²) (KLS21). */
export function distributedGaussianGuarantee(input: DistributedGaussianGuaranteeInput): DistributedGaussianGuarantee {
  const s2 = resolveShareSigma2(input);
  checkCount(input.survivors, 'survivors');
  const { l1, delta } = checkCommon(input);
  return guaranteeFor(s2, input.survivors, ddgTau(s2, input.survivors), input.l2Sensitivity, l1, input.dimension, delta);
}

/**
 * Worst case (largest ρ) of the guarantee over every survivor count in
 * [minSurvivors, maxSurvivors] (maxSurvivors defaults to minSurvivors). This is the ρ a
 * round that accepts any survivor set of at least minSurvivors stores must be charged.
 */
export function distributedGaussianWorstCase(
  input: Omit<DistributedGaussianGuaranteeInput, 'survivors'> & { minSurvivors: number; maxSurvivors?: number },
): DistributedGaussianGuarantee {
  const s2 = resolveShareSigma2(input);
  checkCount(input.minSurvivors, 'minSurvivors');
  const maxN = input.maxSurvivors ?? input.minSurvivors;
  checkCount(maxN, 'maxSurvivors');
  if (maxN < input.minSurvivors) throw new RangeError('maxSurvivors must be >= minSurvivors');
  const { l1, delta } = checkCommon(input);
  return worstCase(s2, input.minSurvivors, maxN, input.l2Sensitivity, l1, input.dimension, delta);
}

function worstCase(s2: number, minN: number, maxN: number, l2: number, l1: number, d: number, delta: number): DistributedGaussianGuarantee {
  // τ(n) accumulated incrementally: τ(n+1) = τ(n) + 10·exp(-2π²σ²·n/(n+1)).
  const c = 2 * Math.PI * Math.PI * s2;
  let sum = 0;
  for (let k = 1; k < minN; k++) sum += tauTerm(c, k);
  let worstN = minN;
  let worstRho = -1;
  let worstTau = 0;
  for (let n = minN; n <= maxN; n++) {
    if (n > minN) sum += tauTerm(c, n - 1);
    const tau = tauFromSum(sum);
    const rho = ddgRho(s2, n, tau, l2, l1, d);
    if (rho > worstRho) {
      // (ties keep the smallest n)
      worstRho = rho;
      worstN = n;
      worstTau = tau;
    }
  }
  return guaranteeFor(s2, worstN, worstTau, l2, l1, d, delta);
}

export interface DistributedGaussianCalibration {
  /** Per-store σ_i (double, >= 1/2); shareSigma2 = σ_i·σ_i exactly. */
  shareSigma: number;
  shareSigma2: Rational;
  /** The worst-case guarantee over survivors in [minSurvivors, maxSurvivors]. */
  guarantee: DistributedGaussianGuarantee;
  /** The largest ρ admissible for the target (ε, δ). */
  rhoBudget: number;
}

/**
 * The smallest per-store σ_i (>= 1/2) such that the worst-case guaranteed ρ over
 * survivors in [minSurvivors, maxSurvivors] gives (ε, δ)-DP. Bisection on σ_i.
 */
export function calibrateDistributedGaussian(input: {
  epsilon: number;
  delta?: number;
  l2Sensitivity: number;
  l1Sensitivity?: number;
  dimension: number;
  minSurvivors: number;
  maxSurvivors?: number;
}): DistributedGaussianCalibration {
  checkPositive(input.epsilon, 'epsilon');
  checkCount(input.minSurvivors, 'minSurvivors');
  const maxN = input.maxSurvivors ?? input.minSurvivors;
  checkCount(maxN, 'maxSurvivors');
  if (maxN < input.minSurvivors) throw new RangeError('maxSurvivors must be >= minSurvivors');
  const { l1, delta } = checkCommon(input);
  const rhoBudget = epsilonToRho(input.epsilon, delta);
  if (!(rhoBudget > 0)) throw new RangeError('target epsilon admits no positive rho');
  const rhoAt = (sigma: number): number => worstCase(squareDown(sigma), input.minSurvivors, maxN, input.l2Sensitivity, l1, input.dimension, delta).rho;
  let lo = 0.5;
  let hi: number;
  if (rhoAt(lo) <= rhoBudget) hi = lo;
  else {
    hi = 1;
    while (rhoAt(hi) > rhoBudget) {
      lo = hi;
      hi *= 2;
      if (hi > 1e15) throw new RangeError('calibrateDistributedGaussian: no sigma found');
    }
    for (let i = 0; i < 200; i++) {
      const mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) break;
      if (rhoAt(mid) <= rhoBudget) hi = mid;
      else lo = mid;
    }
  }
  // The reported ε is recomputed from the reported ρ; step σ up by ulps if float noise put it a hair over.
  let guarantee = worstCase(squareDown(hi), input.minSurvivors, maxN, input.l2Sensitivity, l1, input.dimension, delta);
  while (guarantee.rho > rhoBudget || guarantee.epsilon > input.epsilon) {
    hi = nextUp(hi);
    guarantee = worstCase(squareDown(hi), input.minSurvivors, maxN, input.l2Sensitivity, l1, input.dimension, delta);
  }
  const share = toRational(hi);
  return { shareSigma: hi, shareSigma2: mul(share, share), guarantee, rhoBudget };
}
