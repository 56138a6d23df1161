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
import { checkPlanDigest, type RoundPlan } from './plan';
import { fromWord } from './noise';
import { checkSurvivors } from './survivors';
import { compareItemsets } from './itemset';

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

export interface RoundRelease {
  /** Published patterns: noisy utility >= minUtility, by noisy utility descending. */
  patterns: GlobalPattern[];
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
  return {
    patterns,
    measuredCandidates: m,
    minUtility,
    totals: { transactions, totalUtility, clippedTransactions },
    noise: { mechanism: noise.mechanism, survivors: noise.survivors, participants: plan.participants, utilityStd, supportStd },
    privacy: { ...plan.privacy },
    caveats: [
      `Each transaction's candidate-utility vector was clipped to L2 norm ${plan.clip.utility}; utilities are sums of clipped contributions, so they and their intervals can fall short of the true utilities (about ${Math.max(0, Math.round(clippedTransactions))} transactions were clipped).`,
      `Total utility counts each transaction's utility scaled by the same clip factor as its candidates and capped at ${plan.clip.transactionUtility}; it is on the low side of the true total, like the candidates' utilities it is compared with.`,
    ],
  };
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
