/**
 * The round plan: everything a store needs to encode its measurement and the hub needs to
 * decode the sum, fixed before any store measures anything, and serialisable as JSON (the
 * transport ships it as is; both sides check its digest).
 *
 * Vector (length 2m + 3 + s for m candidates and s bundle subsets), every entry an integer,
 * summed modulo 2^32:
 *   [0, m)       utility of candidate c            (integer units: cents × utilityScale)
 *   [m, 2m)      support of candidate c            (supportUnit per transaction)
 *   2m           transactions                      (countUnit per transaction)
 *   2m + 1       transactions whose utility vector was clipped (countUnit each)
 *   2m + 2       total utility                     (cents × totalUtilityScale, each transaction's own utility clipped)
 *   [2m+3, +s)   support of bundle subset b        (supportUnit per transaction, as candidate supports)
 *
 * Bundle subsets: every proper non-empty subset of each 2- or 3-item candidate that is not itself
 * a candidate (bundleSubsets). A bundle's support, confidence and lift need the supports of its
 * parts and the transaction count N, which must come out of the same noisy sum: measuring them
 * in a later release would be a second charge and could not be calibrated with the rest.
 *
 * Contribution bounding (Kairouz, Liu, Steinke, ICML 2021, Section 4: clip, scale, round,
 * bound the norm of the rounded vector): each transaction's vector is split into four blocks
 * that are bounded separately in integer units, so the L2 sensitivity (add or remove one
 * transaction) is sqrt(Σ block bounds²), exactly, with no rounding slack:
 *   utility block  ‖q‖² <= utilityBound²                 (clip in cents at clip.utility, scaled)
 *   support block  ‖q‖² <= clip.supportCount·supportUnit² (a transaction counts fully for at most
 *                                                        supportCount candidates)
 *   subset block   ‖q‖² <= clip.supportCount·supportUnit² (likewise, for at most supportCount subsets;
 *                                                        only when s > 0)
 *   counts block   ‖q‖² <= 2·countUnit²
 *   total block    q    <= totalUtilityBound
 * The budget shares say how the sensitivity² (hence ρ) is split between blocks; the support share
 * covers the support and subset blocks together (supportUnit shrinks by √2 when there are
 * subsets), so the utilities' precision does not pay for the bundles. The noise is one σ on
 * every coordinate, so a subset's support has exactly the candidates' support σ.
 *
 * Fixed-point scale: as large as possible (up to 2^20 integer units for the whole sensitivity)
 * such that participants × maxTransactionsPerStore × (largest per-transaction coordinate) plus
 * a noise tail bound stays below 2^31, so the mod-2^32 sum decodes to the true signed sum unless
 * the noise exceeds a bound it exceeds with probability < 2^-64 (union bound over coordinates;
 * the discrete Gaussian is sub-Gaussian with variance proxy σ², Canonne, Kamath, Steinke,
 * NeurIPS 2020).
 */
import { createHash } from 'node:crypto';
import { epsilonToRho, nextUp, sigmaForRho, toRational, zcdpToEpsilon } from '@tessera/privacy';
import type { BudgetShares, RoundConfig } from './config';
import { minimumK, type CandidateSelection } from './candidates';
import { canonicalItemset, compareItemsets, itemsetKey } from './itemset';
import { calibrateNoiseShare } from './noise';
import type { CalibrationPlan } from './calibration';

/** Clip bounds, in the stores' own units. */
export interface ClipBounds {
  /** L2 bound on a transaction's vector of candidate utilities (cents for the Online Retail data). */
  utility: number;
  /** A transaction counts fully towards the support of at most this many candidates (its 0/1 support vector is clipped to L2 norm √supportCount). */
  supportCount: number;
  /** Bound on a transaction's own utility in the total-utility coordinate. */
  transactionUtility: number;
}

export interface VectorLayout {
  length: number;
  utility: number;
  support: number;
  transactions: number;
  clippedTransactions: number;
  totalUtility: number;
  /** Offset of the bundle-subset supports (length - offset of them; none when equal to length). */
  subsetSupport: number;
}

export interface Quantisation {
  /** Integer units per utility unit in the utility block (utilityBound / clip.utility). */
  utilityScale: number;
  /** Integer L2 bound of the utility block. */
  utilityBound: number;
  /** Integer value of one support (unclipped transaction), in the support and subset blocks. */
  supportUnit: number;
  /** A transaction counts fully towards at most this many bundle subsets (clip.supportCount; 0 without subsets). */
  subsetSupportCount: number;
  /** Integer value of one transaction in the counts block. */
  countUnit: number;
  /** Integer units per utility unit in the total-utility coordinate. */
  totalUtilityScale: number;
  /** Largest integer a transaction puts in the total-utility coordinate. */
  totalUtilityBound: number;
  /** Exact bounds on Σq² per block. */
  blockSquaredBounds: { utility: number; support: number; subsetSupport: number; counts: number; totalUtility: number };
  /** Σ of the block bounds: the exact bound on ‖q‖² of one transaction (integer). */
  l2SquaredBound: number;
  /** √l2SquaredBound (rounded up): the declared L2 sensitivity of the sum. */
  l2Sensitivity: number;
}

export interface OverflowCheck {
  /** Largest |Σ of clipped contributions| any coordinate can reach (participants × maxTransactionsPerStore × largest per-transaction entry). */
  maxAbsSignal: number;
  /** |total noise| exceeds this on some coordinate with probability <= failureProbability. */
  noiseTailBound: number;
  failureProbability: number;
  /** 2^31 - 1: the largest sum that decodes correctly. */
  limit: number;
}

export interface PrivacyCharge {
  /** ρ-zCDP of this release, guaranteed for every survivor count the round accepts (KLS21 worst case). */
  rho: number;
  /** ρ of the round's calibration release, if one ran (0 otherwise). */
  calibrationRho: number;
  /** What each contributing store's ledger is debited for the round: rho + calibrationRho. */
  roundRho: number;
  /** (ε, δ) of roundRho (CKS20 conversion). */
  epsilon: number;
  delta: number;
  /** Neighbouring datasets differ by one customer transaction (add or remove). */
  unit: 'transaction';
}

export interface RoundPlan {
  kind: 'tessera.federated.round-plan/v1';
  roundId: string;
  /** Candidate list C, canonical itemsets, in vector order. */
  candidates: string[][];
  /** For each candidate, how many stores proposed it. */
  proposers: number[];
  /** Bundle subsets measured for their support only (bundleSubsets of the candidates), in vector order. */
  subsets: string[][];
  participants: number;
  minSurvivors: number;
  maxTransactionsPerStore: number;
  minUtilityFraction: number;
  clip: ClipBounds;
  shares: BudgetShares;
  layout: VectorLayout;
  quantisation: Quantisation;
  noise: {
    /** Per-store σ_i in integer units. */
    shareSigma: number;
    /** σ_i² exact, "num/den". */
    shareSigma2: string;
    /** σ of one discrete Gaussian draw with the same ρ (the trusted-curator reference), integer units. */
    centralSigma: number;
  };
  overflow: OverflowCheck;
  privacy: PrivacyCharge;
  /** SHA-256 (hex) of the plan's JSON without this field; checked by encode and decode. */
  digest: string;
}

export interface RoundPlanInput {
  /** Stores that joined the round (each will be asked to contribute). */
  participants: number;
  /** The candidate list (a selection from selectCandidates, or canonical itemsets). */
  candidates: CandidateSelection | readonly (readonly (string | number)[])[];
  clip: ClipBounds;
  /** The calibration plan of this round, if its budget was spent on a private calibration. */
  calibration?: CalibrationPlan;
  roundId?: string;
}

const INT32_LIMIT = 2147483647;
const MAX_SCALE = 2 ** 20;
const MAX_CANDIDATES = 8192;
const FAILURE_PROBABILITY = 2 ** -64;

/** SHA-256 of the JSON of an object with its `digest` field left out. */
export function planDigest(plan: object): string {
  const { digest: _ignored, ...rest } = plan as { digest?: string };
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

function fail(reason: string): never {
  throw new RangeError(`round plan: ${reason}`);
}

function normaliseCandidates(input: RoundPlanInput['candidates']): { itemsets: string[][]; proposers: number[] } {
  const selection = input as CandidateSelection;
  const raw: readonly (readonly (string | number)[])[] = Array.isArray(input) ? (input as readonly (readonly (string | number)[])[]) : selection.itemsets;
  const proposers = Array.isArray(input) ? raw.map(() => 0) : selection.proposers.slice();
  const itemsets = raw.map((items, i) => canonicalItemset(items, `candidate ${i + 1}`));
  const seen = new Set<string>();
  for (const items of itemsets) {
    const key = itemsetKey(items);
    if (seen.has(key)) fail(`candidate ${JSON.stringify(items)} is listed twice`);
    seen.add(key);
  }
  return { itemsets, proposers };
}

export function vectorLayout(candidates: number, subsets = 0): VectorLayout {
  return {
    length: 2 * candidates + 3 + subsets,
    utility: 0,
    support: candidates,
    transactions: 2 * candidates,
    clippedTransactions: 2 * candidates + 1,
    totalUtility: 2 * candidates + 2,
    subsetSupport: 2 * candidates + 3,
  };
}

/** Largest bundle whose parts a round measures (bundles of 2-3 items: all their proper subsets). */
export const MAX_BUNDLE_ITEMS = 3;

/**
 * The itemsets a round measures for their support only, so that every 2- or 3-item candidate's
 * proper non-empty subsets have a noisy support: those subsets that are not candidates
 * themselves, canonical, distinct, in compareItemsets order.
 */
export function bundleSubsets(candidates: readonly (readonly string[])[]): string[][] {
  const measured = new Set(candidates.map((items) => itemsetKey(items)));
  const subsets = new Map<string, string[]>();
  for (const items of candidates) {
    if (items.length < 2 || items.length > MAX_BUNDLE_ITEMS) continue;
    const canonical = canonicalItemset(items);
    for (let mask = 1; mask < (1 << canonical.length) - 1; mask++) {
      const subset = canonical.filter((_, i) => mask & (1 << i));
      const key = itemsetKey(subset);
      if (!measured.has(key)) subsets.set(key, subset);
    }
  }
  return [...subsets.values()].sort(compareItemsets);
}

function quantise(scale: number, shares: BudgetShares, clip: ClipBounds, subsets: number): Quantisation {
  const subsetSupportCount = subsets > 0 ? clip.supportCount : 0;
  const utilityBound = Math.floor(scale * Math.sqrt(shares.utility));
  const supportUnit = Math.floor((scale * Math.sqrt(shares.support)) / Math.sqrt(clip.supportCount + subsetSupportCount));
  const countUnit = Math.floor((scale * Math.sqrt(shares.counts)) / Math.SQRT2);
  const totalUtilityBound = Math.floor(scale * Math.sqrt(shares.totalUtility));
  const blockSquaredBounds = {
    utility: utilityBound * utilityBound,
    support: clip.supportCount * supportUnit * supportUnit,
    subsetSupport: subsetSupportCount * supportUnit * supportUnit,
    counts: 2 * countUnit * countUnit,
    totalUtility: totalUtilityBound * totalUtilityBound,
  };
  const l2SquaredBound = blockSquaredBounds.utility + blockSquaredBounds.support + blockSquaredBounds.subsetSupport + blockSquaredBounds.counts + blockSquaredBounds.totalUtility;
  const l2Sensitivity = sqrtUp(l2SquaredBound);
  return {
    utilityScale: utilityBound / clip.utility,
    utilityBound,
    supportUnit,
    subsetSupportCount,
    countUnit,
    totalUtilityScale: totalUtilityBound / clip.transactionUtility,
    totalUtilityBound,
    blockSquaredBounds,
    l2SquaredBound,
    l2Sensitivity,
  };
}

/** The smallest double whose exact square is >= n (n a safe integer). */
export function sqrtUp(n: number): number {
  let s = Math.sqrt(n);
  const exactlyBelow = (x: number): boolean => {
    const r = toRational(x);
    return r.num * r.num < BigInt(n) * r.den * r.den;
  };
  while (exactlyBelow(s)) s = nextUp(s);
  return s;
}

/** The largest integer a single transaction can put in any one coordinate. */
function largestEntry(q: Quantisation): number {
  return Math.max(q.utilityBound, q.supportUnit, q.countUnit, q.totalUtilityBound);
}

/** Bound t with P[some |Σ noise_i| > t] <= failure, for `participants` shares of variance σ_i², d coordinates. */
export function noiseTailBound(shareSigma: number, participants: number, dimension: number, failure = FAILURE_PROBABILITY): number {
  const variance = participants * shareSigma * shareSigma;
  return Math.ceil(Math.sqrt(2 * variance * Math.log((2 * dimension) / failure)));
}

function checkClip(clip: ClipBounds): void {
  if (!(clip.utility > 0) || !Number.isFinite(clip.utility)) fail(`clip.utility must be a positive number, got ${clip.utility}`);
  if (!Number.isSafeInteger(clip.supportCount) || clip.supportCount < 1) fail(`clip.supportCount must be a positive integer, got ${clip.supportCount}`);
  if (!(clip.transactionUtility > 0) || !Number.isFinite(clip.transactionUtility)) fail(`clip.transactionUtility must be a positive number, got ${clip.transactionUtility}`);
}

/**
 * Plan the measurement of a round: layout, fixed-point scales, clip bounds, noise shares and the
 * privacy charge. `config` is the validated round configuration (roundConfig); `participants`
 * the stores that joined (>= config.minStores). If `calibration` is given, its ρ is part of the
 * round's budget and the measurement gets the rest.
 */
export function planRound(config: RoundConfig, input: RoundPlanInput): RoundPlan {
  const { participants } = input;
  if (!Number.isSafeInteger(participants) || participants < config.minStores) fail(`participants must be an integer >= minStores (${config.minStores}), got ${participants}`);
  if (config.k < minimumK(participants)) fail(`k = ${config.k} is below min(5, participants) = ${minimumK(participants)}`);
  const { itemsets, proposers } = normaliseCandidates(input.candidates);
  if (itemsets.length === 0) fail('the candidate list is empty: no itemset was proposed by k stores, so there is nothing to measure');
  if (itemsets.length > MAX_CANDIDATES) fail(`${itemsets.length} candidates; at most ${MAX_CANDIDATES} fit one round (cap them with maxCandidates)`);
  const clip = { utility: input.clip.utility, supportCount: input.clip.supportCount, transactionUtility: input.clip.transactionUtility };
  checkClip(clip);

  const roundBudget = epsilonToRho(config.epsilon, config.delta);
  let calibrationRho = 0;
  if (input.calibration) {
    const c = input.calibration;
    if (c.epsilon !== config.epsilon || c.delta !== config.delta || c.participants !== participants || c.minSurvivors !== config.minStores) {
      fail('the calibration plan belongs to another round configuration (epsilon, delta, participants or minStores differ)');
    }
    if (JSON.stringify(c.candidates) !== JSON.stringify(itemsets)) fail('the calibration plan measured another candidate list');
    calibrationRho = c.privacy.rho;
  }
  const rhoTarget = roundBudget - calibrationRho;
  if (!(rhoTarget > 0)) fail('the calibration used up the round budget');

  const subsets = bundleSubsets(itemsets);
  const layout = vectorLayout(itemsets.length, subsets.length);
  const dimension = layout.length;
  let scale = MAX_SCALE;
  for (let attempt = 0; ; attempt++) {
    const quantisation = quantise(scale, config.shares, clip, subsets.length);
    const share = calibrateNoiseShare({ rho: rhoTarget, l2Sensitivity: quantisation.l2Sensitivity, dimension, minSurvivors: config.minStores, participants, delta: config.delta });
    const maxAbsSignal = participants * config.maxTransactionsPerStore * largestEntry(quantisation);
    const tail = noiseTailBound(share.shareSigma, participants, dimension);
    if (maxAbsSignal + tail <= INT32_LIMIT) {
      if (quantisation.utilityBound < 10 * Math.sqrt(itemsets.length) || quantisation.supportUnit < 1 || quantisation.countUnit < 1 || quantisation.totalUtilityBound < 1) {
        fail(
          `${participants} stores × ${config.maxTransactionsPerStore} transactions leave too little 32-bit headroom for ${itemsets.length} candidates ` +
            `(utility bound ${quantisation.utilityBound} integer units); lower maxTransactionsPerStore or maxCandidates, or raise shares.support`,
        );
      }
      const measurementRho = share.guarantee.rho;
      const roundRho = measurementRho + calibrationRho;
      const withoutDigest = {
        kind: 'tessera.federated.round-plan/v1' as const,
        roundId: input.roundId ?? '',
        candidates: itemsets,
        proposers,
        subsets,
        participants,
        minSurvivors: config.minStores,
        maxTransactionsPerStore: config.maxTransactionsPerStore,
        minUtilityFraction: config.minUtilityFraction,
        clip,
        shares: { ...config.shares },
        layout,
        quantisation,
        noise: { shareSigma: share.shareSigma, shareSigma2: share.shareSigma2, centralSigma: sigmaForRho(quantisation.l2Sensitivity, rhoTarget) },
        overflow: { maxAbsSignal, noiseTailBound: tail, failureProbability: FAILURE_PROBABILITY, limit: INT32_LIMIT },
        privacy: { rho: measurementRho, calibrationRho, roundRho, epsilon: zcdpToEpsilon(roundRho, config.delta), delta: config.delta, unit: 'transaction' as const },
      };
      return { ...withoutDigest, digest: planDigest(withoutDigest) };
    }
    if (attempt > 64) fail('could not find a fixed-point scale that avoids overflow');
    scale = Math.floor((scale * INT32_LIMIT * 0.999) / (maxAbsSignal + tail));
    if (scale < 16) {
      fail(`${participants} stores × ${config.maxTransactionsPerStore} transactions cannot be summed in 32 bits; lower maxTransactionsPerStore`);
    }
  }
}

/** Throws if a plan (e.g. received over the wire) was altered: its digest must match its content. */
export function checkPlanDigest(plan: { digest: string; kind: string }): void {
  if (planDigest(plan) !== plan.digest) throw new RangeError(`${plan.kind}: digest mismatch; the plan was modified or corrupted in transit`);
}

/** What a store's privacy ledger records for a round it contributed to (append-only entry). */
export interface LedgerCharge {
  roundId: string;
  mechanism: 'distributed-discrete-gaussian (Kairouz-Liu-Steinke 2021), zCDP';
  unit: 'transaction';
  /** Total ρ to debit: the sum of the parts (zCDP composes by addition). */
  rho: number;
  /** (ε, δ) of `rho` alone (CKS20 conversion); the ledger composes ρ across rounds. */
  epsilon: number;
  delta: number;
  parts: { release: 'calibration' | 'measurement'; rho: number }[];
}

/**
 * The ledger charge of a round for a store whose masked input may be in the measurement sum.
 * A store that took part only in the calibration step owes `plan.privacy.calibrationRho`.
 */
export function ledgerCharge(plan: RoundPlan): LedgerCharge {
  const parts: LedgerCharge['parts'] = [];
  if (plan.privacy.calibrationRho > 0) parts.push({ release: 'calibration', rho: plan.privacy.calibrationRho });
  parts.push({ release: 'measurement', rho: plan.privacy.rho });
  return {
    roundId: plan.roundId,
    mechanism: 'distributed-discrete-gaussian (Kairouz-Liu-Steinke 2021), zCDP',
    unit: 'transaction',
    rho: plan.privacy.roundRho,
    epsilon: plan.privacy.epsilon,
    delta: plan.privacy.delta,
    parts,
  };
}
