/**
 * Step 4 of a round, on the hub: read the noisy sums out of the mod-2^32 aggregate and publish
 * the global patterns.
 *
 * Every published number is post-processing of the noisy sum (no further privacy cost):
 *   utility_c  = signed sum / utilityScale,      support_c = signed sum / supportUnit,
 *   transactions, clipped transactions and total utility likewise.
 * Intervals: survivors · σ_i² is the noise variance in integer units (an upper bound: the
 * discrete Gaussian's variance is slightly below σ²), so value ± 1.96·σ/scale is a 95 %
 * interval for the CLIPPED sum. Clipping only ever lowers a transaction's (non-negative)
 * contributions, so the clipped sum is <= the true sum: the lower end is a 97.5 % lower bound
 * on the true value; the upper end can be exceeded by the clipping bias, which the hub cannot
 * see (the noisy count of clipped transactions says how much clipping happened).
 *
 * Threshold: a candidate is published if its NOISY utility is >= minUtilityFraction × the
 * noisy total utility. Thresholding the noisy value is unbiased at the threshold (a pattern
 * exactly at it is published half the time); thresholding the lower interval end would trade
 * recall for precision. Either way it is post-processing; we chose the estimate so that a
 * pattern's publication does not depend on the noise scale of the round.
 */
import { checkPlanDigest, MAX_BUNDLE_ITEMS, type RoundPlan } from './plan';
import { fromWord } from './noise';
import { checkSurvivors } from './survivors';
import { compareItemsets, itemsetKey } from './itemset';

export interface Interval {
  low: number;
  high: number;
}

export interface GlobalPattern {
  items: string[];
  /** Noisy aggregated utility (of the clipped contributions), in the stores' utility unit. */
  utility: number;
  /** 95 % interval for the clipped utility (its low end is a lower bound on the true utility). */
  utilityInterval: Interval;
  /** Noisy global support (transactions containing the itemset), rounded and clamped at 0. */
  support: number;
  supportInterval: Interval;
  /** support / transactions: the share of all transactions containing the itemset. */
  coverage: number;
  /** Stores that proposed the itemset (>= k; 0 if the plan was given bare itemsets instead of a selection). */
  proposingStores: number;
  /** Stores whose measurements are in the sum (every survivor measured every candidate). */
  contributingStores: number;
}

/** The noisy support of a part of a published bundle that is not itself a published pattern. */
export interface SubsetSupport {
  items: string[];
  /** Noisy support, rounded and clamped at 0 like the patterns' (same noise σ). */
  support: number;
  supportInterval: Interval;
}

export interface RoundRelease {
  /** Published patterns: noisy utility >= minUtility, by noisy utility descending. */
  patterns: GlobalPattern[];
  /**
   * Every proper non-empty subset of each published 2- or 3-item pattern that is not a published
   * pattern itself, with its noisy support (from the candidate supports or the plan's bundle
   * subsets), in compareItemsets order: with totals.transactions, what a bundle's support,
   * confidence and lift need.
   */
  subsetSupports: SubsetSupport[];
  /** Candidates measured (published or not). */
  measuredCandidates: number;
  /** The absolute minimum utility applied (minUtilityFraction × noisy total utility). */
  minUtility: number;
  totals: {
    transactions: number;
    /** Noisy total utility (each transaction's own utility scaled by its clip factor and capped at clip.transactionUtility: biased low). */
    totalUtility: number;
    /** Noisy number of transactions whose candidate-utility vector was clipped. */
    clippedTransactions: number;
  };
  noise: {
    mechanism: 'distributed-discrete-gaussian' | 'central-discrete-gaussian';
    survivors: number;
    participants: number;
    /** Standard deviation of one candidate's utility noise, in utility units. */
    utilityStd: number;
    /** Standard deviation of one candidate's support noise, in transactions. */
    supportStd: number;
    /** Standard deviation of the transaction count's noise, in transactions. */
    transactionsStd: number;
  };
  privacy: RoundPlan['privacy'];
  caveats: string[];
}

const Z95 = 1.959963984540054;

/** Build the release from the signed integer sums (shared by the federated and central decoders). */
export function releaseFromSums(
  signed: ArrayLike<number>,
  plan: RoundPlan,
  noise: { std: number; survivors: number; mechanism: RoundRelease['noise']['mechanism'] },
): RoundRelease {
  const { layout, quantisation: q } = plan;
  const m = plan.candidates.length;
  const transactions = signed[layout.transactions] / q.countUnit;
  const clippedTransactions = signed[layout.clippedTransactions] / q.countUnit;
  const totalUtility = signed[layout.totalUtility] / q.totalUtilityScale;
  const utilityStd = noise.std / q.utilityScale;
  const supportStd = noise.std / q.supportUnit;
  const minUtility = plan.minUtilityFraction * Math.max(0, totalUtility);
  const positiveTransactions = Math.max(1, transactions);
  const patterns: GlobalPattern[] = [];
  for (let c = 0; c < m; c++) {
    const utility = signed[layout.utility + c] / q.utilityScale;
    if (!(utility >= minUtility) || utility <= 0) continue;
    const rawSupport = signed[layout.support + c] / q.supportUnit;
    const support = Math.max(0, Math.round(rawSupport));
    patterns.push({
      items: plan.candidates[c].slice(),
      utility: Math.round(utility),
      utilityInterval: { low: Math.max(0, utility - Z95 * utilityStd), high: utility + Z95 * utilityStd },
      support,
      supportInterval: { low: Math.max(0, rawSupport - Z95 * supportStd), high: rawSupport + Z95 * supportStd },
      coverage: Math.min(1, support / positiveTransactions),
      proposingStores: plan.proposers[c],
      contributingStores: noise.survivors,
    });
  }
  patterns.sort((a, b) => b.utility - a.utility || compareItemsets(a.items, b.items));
  const subsetSupports = bundleSubsetSupports(signed, plan, patterns, supportStd);
  return {
    patterns,
    subsetSupports,
    measuredCandidates: m,
    minUtility,
    totals: { transactions, totalUtility, clippedTransactions },
    noise: { mechanism: noise.mechanism, survivors: noise.survivors, participants: plan.participants, utilityStd, supportStd, transactionsStd: noise.std / q.countUnit },
    privacy: { ...plan.privacy },
    caveats: [
      `Each transaction's candidate-utility vector was clipped to L2 norm ${plan.clip.utility}; utilities are sums of clipped contributions, so they and their intervals can fall short of the true utilities (about ${Math.max(0, Math.round(clippedTransactions))} transactions were clipped).`,
      `Total utility counts each transaction's utility scaled by the same clip factor as its candidates and capped at ${plan.clip.transactionUtility}; it is on the low side of the true total, like the candidates' utilities it is compared with.`,
    ],
  };
}

/** The supports of the parts of the published bundles that are not published patterns (see RoundRelease.subsetSupports). */
function bundleSubsetSupports(signed: ArrayLike<number>, plan: RoundPlan, patterns: readonly GlobalPattern[], supportStd: number): SubsetSupport[] {
  const { layout, quantisation: q } = plan;
  const coordinate = new Map<string, number>();
  plan.candidates.forEach((items, c) => coordinate.set(itemsetKey(items), layout.support + c));
  (plan.subsets ?? []).forEach((items, b) => coordinate.set(itemsetKey(items), layout.subsetSupport + b));
  const published = new Set(patterns.map((p) => itemsetKey(p.items)));
  const out = new Map<string, SubsetSupport>();
  for (const pattern of patterns) {
    const items = pattern.items;
    if (items.length < 2 || items.length > MAX_BUNDLE_ITEMS) continue;
    for (let mask = 1; mask < (1 << items.length) - 1; mask++) {
      const subset = items.filter((_, i) => mask & (1 << i));
      const key = itemsetKey(subset);
      const at = coordinate.get(key);
      if (published.has(key) || out.has(key) || at === undefined) continue;
      const raw = signed[at] / q.supportUnit;
      out.set(key, { items: subset, support: Math.max(0, Math.round(raw)), supportInterval: { low: Math.max(0, raw - Z95 * supportStd), high: raw + Z95 * supportStd } });
    }
  }
  return [...out.values()].sort((a, b) => compareItemsets(a.items, b.items));
}

/**
 * Decode the secure-aggregation sum (mod 2^32) of `survivors` stores' encoded contributions.
 * Throws if the survivor count is outside [minSurvivors, participants] or the vector length
 * differs from the plan.
 */
export function decodeAggregate(sum: Uint32Array, plan: RoundPlan, survivors: number): RoundRelease {
  checkPlanDigest(plan);
  checkSurvivors(survivors, plan.minSurvivors, plan.participants);
  if (!(sum instanceof Uint32Array) || sum.length !== plan.layout.length) {
    throw new RangeError(`the aggregate must be a Uint32Array of length ${plan.layout.length} (the plan's vector), got ${sum?.length}`);
  }
  const signed = Array.from(sum, fromWord);
  const std = Math.sqrt(survivors) * plan.noise.shareSigma;
  return releaseFromSums(signed, plan, { std, survivors, mechanism: 'distributed-discrete-gaussian' });
}
