/**
 * Steps 2 of a round (DESIGN.md, "Data flow of one federated round", step 4): every store
 * proposes its local top-m high-utility itemsets, without numbers; the hub keeps the itemsets
 * proposed by at least k distinct stores (k-anonymity threshold) as the candidate list C.
 *
 * Local mining is EFIM (Zida, Fournier-Viger, Lin, Wu, Tseng, "EFIM: a fast and memory
 * efficient algorithm for high-utility itemset mining", KAIS 2017) through @tessera/huim.
 *
 * What the hub learns here is NOT differentially private: it sees each store's list (which
 * itemsets are among that store's top m, in rank order). The privacy model accepts this for
 * itemsets (k-anonymity for what is published); `minSupport` keeps a store from ever proposing
 * an itemset that only a handful of its transactions contain (such an itemset would spell out
 * those baskets).
 */
import { mine, type UtilityDatabase } from '@tessera/huim';
import { canonicalItemset, compareItemsets } from './itemset';

export interface ProposalOptions {
  /** How many itemsets to propose (the store's top m by local utility). */
  topM: number;
  /** Longest itemset proposed (the round's max pattern length). */
  maxLength: number;
  /**
   * Fewest local transactions that must contain a proposed itemset (default 2: an itemset seen
   * in a single basket is never proposed).
   */
  minSupport?: number;
  /** Most itemsets the search may hold (default max(4 * topM, topM + 1000)); it raises its threshold past it. */
  maxItemsets?: number;
  /** Buffer budget of the search in bytes; a proposal that cannot fit fails with a MiningLimitError. */
  memoryBudgetBytes?: number;
}

/** Proposals never go below this fraction of the store's total utility (keeps EFIM away from its blow-up region). */
const MIN_UTILITY_FLOOR = 1e-5;

/** Total utility with every transaction's utility capped at the 99th percentile of transaction utilities. */
export function robustTotalUtility(db: UtilityDatabase): number {
  const sorted = Float64Array.from(db.transactionUtility).sort();
  const cap = sorted[Math.floor((sorted.length - 1) * 0.99)];
  let total = 0;
  for (const value of sorted) total += Math.min(value, cap);
  return total;
}

/**
 * A store's proposal: its top-m itemsets by local utility, best first, as canonical string
 * itemsets (no numbers leave the store). Mines with a falling minimum utility (EFIM's own top-k
 * mode starts from nothing and is far slower on databases with very long transactions) until
 * m itemsets are found or the threshold reaches 10^-5 of the store's total utility (then fewer
 * than m are proposed). Ties at the m-th place are
 * cut deterministically (huim's canonical order).
 */
export function proposeItemsets(db: UtilityDatabase, options: ProposalOptions): string[][] {
  const { topM, maxLength } = options;
  const minSupport = options.minSupport ?? 2;
  if (!Number.isSafeInteger(topM) || topM < 1) throw new RangeError(`topM must be a positive integer, got ${topM}`);
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) throw new RangeError(`maxLength must be a positive integer, got ${maxLength}`);
  if (!Number.isSafeInteger(minSupport) || minSupport < 1) throw new RangeError(`minSupport must be a positive integer, got ${minSupport}`);
  if (db.nTransactions === 0 || db.totalUtility === 0) return [];
  const maxItemsets = Math.max(topM, Math.min(options.maxItemsets ?? Infinity, Math.max(4 * topM, topM + 1000)));
  const supportFraction = Math.min(1, minSupport / db.nTransactions);
  // Thresholds are fractions of a total in which each transaction counts at most as much as the
  // 99th percentile: a few huge (wholesale, or planted) transactions must not lift the floor
  // above every ordinary itemset and silence the store.
  const base = robustTotalUtility(db);
  const floor = Math.max(1, Math.floor(base * MIN_UTILITY_FLOOR));
  let threshold = Math.max(floor, Math.floor(base * 0.02));
  for (;;) {
    // the cap keeps the search's memory bounded at a low threshold (a capped result keeps the
    // best itemsets of the full one, so its first topM are the same)
    const found = mine(db, { minUtility: threshold, maxLength, minSupport: supportFraction, maxItemsets, ...(options.memoryBudgetBytes ? { memoryBudgetBytes: options.memoryBudgetBytes } : {}) }).itemsets;
    if (found.length >= topM || threshold <= floor) {
      return found.slice(0, topM).map((pattern) => canonicalItemset(pattern.items));
    }
    threshold = Math.max(floor, Math.floor(threshold / 1.4));
  }
}

/** One store's proposal as the hub receives it. */
export interface CandidateProposal {
  storeId: string;
  /** The store's itemsets, best first (rank order is used only to cap the list, see `maxCandidates`). */
  itemsets: readonly (readonly (string | number)[])[];
}

export interface CandidateSelectionOptions {
  /**
   * Keep at most this many candidates. When more itemsets reach k proposers, the ones kept are
   * those with the best k-th best rank: exactly the list that a smaller top-m would have given
   * (the stores' prefixes), so capping reveals nothing a smaller m would not. Ties: more
   * proposers, then better mean rank, then canonical order.
   */
  maxCandidates?: number;
}

/** Tessera's k-anonymity floor: k >= min(5, number of stores). */
export const MIN_STORES_PER_ITEMSET = 5;

/** The smallest k a round with `stores` stores may use: min(5, stores). */
export function minimumK(stores: number): number {
  return Math.min(MIN_STORES_PER_ITEMSET, stores);
}

export interface CandidateSelection {
  /** The candidate list C, canonical itemsets, in the order described above. */
  itemsets: string[][];
  /** For each candidate, how many distinct stores proposed it (>= k). */
  proposers: number[];
  /** How many itemsets reached k proposers before the cap. */
  eligible: number;
  /** The k used. */
  k: number;
}

interface Tally {
  items: string[];
  ranks: number[];
}

/**
 * The hub's candidate list: itemsets proposed by at least `k` distinct stores (k must be at
 * least min(5, number of proposals): Tessera's k-anonymity floor), in a
 * deterministic order (best k-th rank, then more proposers, then mean rank, then canonical),
 * optionally capped. Itemsets proposed by fewer than k stores are dropped and never measured
 * or published. A store id may appear once; an itemset repeated in one store's list counts
 * once, at its first rank.
 */
export function selectCandidates(proposals: readonly CandidateProposal[], k: number, options: CandidateSelectionOptions = {}): CandidateSelection {
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (k < minimumK(proposals.length)) {
    throw new RangeError(`k = ${k} is below the k-anonymity floor min(${MIN_STORES_PER_ITEMSET}, stores) = ${minimumK(proposals.length)} for ${proposals.length} proposing stores`);
  }
  const maxCandidates = options.maxCandidates;
  if (maxCandidates !== undefined && (!Number.isSafeInteger(maxCandidates) || maxCandidates < 1)) {
    throw new RangeError(`maxCandidates must be a positive integer, got ${maxCandidates}`);
  }
  const seenStores = new Set<string>();
  const tallies = new Map<string, Tally>();
  for (const proposal of proposals) {
    if (typeof proposal.storeId !== 'string' || proposal.storeId.length === 0) throw new RangeError('every proposal needs a non-empty storeId');
    if (seenStores.has(proposal.storeId)) throw new RangeError(`store ${proposal.storeId} sent two proposals; a store may propose once per round`);
    seenStores.add(proposal.storeId);
    const mine = new Set<string>();
    proposal.itemsets.forEach((raw, rank) => {
      const items = canonicalItemset(raw, `proposal of store ${proposal.storeId}, itemset ${rank + 1}`);
      const key = JSON.stringify(items);
      if (mine.has(key)) return;
      mine.add(key);
      let tally = tallies.get(key);
      if (!tally) {
        tally = { items, ranks: [] };
        tallies.set(key, tally);
      }
      tally.ranks.push(rank);
    });
  }
  const eligible: { items: string[]; proposers: number; kthRank: number; meanRank: number }[] = [];
  for (const tally of tallies.values()) {
    if (tally.ranks.length < k) continue;
    const ranks = tally.ranks.slice().sort((a, b) => a - b);
    eligible.push({ items: tally.items, proposers: ranks.length, kthRank: ranks[k - 1], meanRank: ranks.reduce((s, r) => s + r, 0) / ranks.length });
  }
  eligible.sort((a, b) => a.kthRank - b.kthRank || b.proposers - a.proposers || a.meanRank - b.meanRank || compareItemsets(a.items, b.items));
  const kept = maxCandidates === undefined ? eligible : eligible.slice(0, maxCandidates);
  return { itemsets: kept.map((e) => e.items), proposers: kept.map((e) => e.proposers), eligible: eligible.length, k };
}
