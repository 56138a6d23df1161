/**
 * The coordinator's knobs for one federated round (DESIGN.md, "Data flow of one federated
 * round", step 1), validated once, with Tessera's defaults filled in.
 */
import { minimumK } from './candidates';

/** Fractions of a measurement's privacy budget (its L2 sensitivity squared) per part of the vector. */
export interface BudgetShares {
  /** Candidate utilities. */
  utility: number;
  /** Candidate supports. */
  support: number;
  /** Transaction count and clipped-transaction count. */
  counts: number;
  /** Total utility (what the global minimum-utility fraction refers to). */
  totalUtility: number;
}

/** Quantiles the private calibration turns into clip bounds (see calibration.ts). */
export interface ClipQuantiles {
  /** Of the L2 norms of transactions' candidate-utility vectors (transactions holding >= 1 candidate). */
  utility: number;
  /** Of the number of candidates a transaction contains (transactions holding >= 1 candidate). */
  support: number;
  /** Of the transactions' own utilities. */
  transactionUtility: number;
}

export interface RoundConfig {
  /** Fewest stores whose contributions the round accepts (the survivor threshold); noise shares are calibrated for it. */
  minStores: number;
  /** ε of the whole round, charged to every contributing store. */
  epsilon: number;
  /** δ of the round (Tessera: 1e-5). */
  delta: number;
  /** k-anonymity threshold: an itemset must be proposed by >= k stores; k >= min(5, stores). */
  k: number;
  /** Global minimum utility as a fraction of the (noisy) total utility of the contributing stores. */
  minUtilityFraction: number;
  /** Longest pattern mined and proposed. */
  maxLength: number;
  /** Itemsets each store proposes (its local top m). */
  topM: number;
  /** Fewest local transactions a proposed itemset must occur in. */
  minSupport: number;
  /** Cap on the candidate list (undefined: every itemset with k proposers is measured). */
  maxCandidates?: number;
  /** Public upper bound on a store's transaction count; sizes the fixed-point scale so the 32-bit sum cannot overflow. */
  maxTransactionsPerStore: number;
  /** Fraction of the round's ρ spent on the private clip calibration (0: no calibration; clip bounds must then be public). */
  calibrationShare: number;
  clipQuantiles: ClipQuantiles;
  shares: BudgetShares;
}

export type RoundConfigInput = Pick<RoundConfig, 'minStores' | 'epsilon' | 'k' | 'minUtilityFraction' | 'maxLength' | 'topM'> &
  Partial<Omit<RoundConfig, 'clipQuantiles' | 'shares'>> & { clipQuantiles?: Partial<ClipQuantiles>; shares?: Partial<BudgetShares> };

export const DEFAULT_DELTA = 1e-5;
export const DEFAULT_SHARES: Readonly<BudgetShares> = Object.freeze({ utility: 0.85, support: 0.1, counts: 0.02, totalUtility: 0.03 });
export const DEFAULT_CLIP_QUANTILES: Readonly<ClipQuantiles> = Object.freeze({ utility: 0.99, support: 0.99, transactionUtility: 0.995 });
export const DEFAULT_CALIBRATION_SHARE = 0.05;
export const DEFAULT_MAX_TRANSACTIONS_PER_STORE = 100_000;

function fail(field: string, reason: string): never {
  throw new RangeError(`round config: ${field} ${reason}`);
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(field, `must be a positive integer, got ${String(value)}`);
  return value;
}

function fraction(value: unknown, field: string, open = true): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1 || (open && (value === 0 || value === 1))) {
    fail(field, `must be a number in ${open ? '(0, 1)' : '[0, 1]'}, got ${String(value)}`);
  }
  return value;
}

/** Check a round configuration and fill in defaults. Throws a RangeError naming the field. */
export function roundConfig(input: RoundConfigInput): RoundConfig {
  const minStores = positiveInteger(input.minStores, 'minStores');
  if (typeof input.epsilon !== 'number' || !(input.epsilon > 0) || !Number.isFinite(input.epsilon)) fail('epsilon', `must be a positive number, got ${String(input.epsilon)}`);
  const delta = input.delta ?? DEFAULT_DELTA;
  if (!(delta > 0 && delta < 1)) fail('delta', `must be in (0, 1), got ${delta}`);
  const k = positiveInteger(input.k, 'k');
  if (k < minimumK(minStores)) fail('k', `must be at least min(5, minStores) = ${minimumK(minStores)}, got ${k}`);
  const minUtilityFraction = input.minUtilityFraction;
  if (typeof minUtilityFraction !== 'number' || !(minUtilityFraction >= 0 && minUtilityFraction < 1)) fail('minUtilityFraction', `must be a fraction in [0, 1), got ${String(minUtilityFraction)}`);
  const maxLength = positiveInteger(input.maxLength, 'maxLength');
  const topM = positiveInteger(input.topM, 'topM');
  const minSupport = positiveInteger(input.minSupport ?? 2, 'minSupport');
  const maxCandidates = input.maxCandidates === undefined ? undefined : positiveInteger(input.maxCandidates, 'maxCandidates');
  const maxTransactionsPerStore = positiveInteger(input.maxTransactionsPerStore ?? DEFAULT_MAX_TRANSACTIONS_PER_STORE, 'maxTransactionsPerStore');
  const calibrationShare = input.calibrationShare ?? DEFAULT_CALIBRATION_SHARE;
  if (!(calibrationShare >= 0 && calibrationShare < 1)) fail('calibrationShare', `must be in [0, 1), got ${calibrationShare}`);
  const clipQuantiles = { ...DEFAULT_CLIP_QUANTILES, ...input.clipQuantiles };
  for (const [name, q] of Object.entries(clipQuantiles)) fraction(q, `clipQuantiles.${name}`);
  const shares = { ...DEFAULT_SHARES, ...input.shares };
  let sum = 0;
  for (const [name, s] of Object.entries(shares)) sum += fraction(s, `shares.${name}`);
  if (Math.abs(sum - 1) > 1e-9) fail('shares', `must add up to 1, got ${sum}`);
  return {
    minStores,
    epsilon: input.epsilon,
    delta,
    k,
    minUtilityFraction,
    maxLength,
    topM,
    minSupport,
    maxCandidates,
    maxTransactionsPerStore,
    calibrationShare,
    clipQuantiles,
    shares,
  };
}
