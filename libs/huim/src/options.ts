/** Mining options and their resolution against a database. */
import type { UtilityDatabase } from './database';

export interface MineOptions {
  /**
   * Minimum utility: an absolute number (itemsets with utility >= it are returned)
   * or a percentage string of the database's total utility, e.g. `'0.05%'`
   * (threshold = ceil(total * P / 100), computed exactly). Exclusive with `topK`.
   */
  minUtility?: number | string;
  /** Top-k mode: the k itemsets of highest utility (ties at the k-th utility included). Exclusive with `minUtility`. */
  topK?: number;
  /** Minimum support as a fraction of the number of transactions (support/n >= minSupport). Default 0. */
  minSupport?: number;
  /** Maximum number of items in an itemset. Default unlimited. */
  maxLength?: number;
  /**
   * Transaction merging (EFIM): `true`, `false` or `'auto'` (default): on when the
   * database looks dense enough for identical projected transactions to be common
   * (see README, "Transaction merging").
   */
  merging?: boolean | 'auto';
  /**
   * How projected databases are stored (advanced; results never change): `'auto'`
   * (default) copies a projection restricted to its Secondary items when they are under
   * 90% of the scanned suffixes, `'always'` / `'never'` force copying / suffix pointers.
   */
  compaction?: 'auto' | 'always' | 'never';
  /**
   * Progress callback, called on the calling thread after each first-level branch of the
   * search tree it finished (done/total branches; branches differ a lot in size).
   */
  onProgress?: (done: number, total: number) => void;
  /** Build `result.itemsets` (default true); with false only `result.flat` is filled (large results). */
  patterns?: boolean;
  /**
   * Most itemsets the search may hold (default: no cap). When `minUtility` would yield more,
   * the search raises its threshold as top-k does and returns exactly the itemsets of the
   * full result whose utility is above the (cap + 1)-th best utility (so at most this many;
   * fewer when itemsets tie at the cut); `stats.thresholdRaised` and `stats.minUtility` say
   * so. In top-k mode `topK` may not exceed it.
   */
  maxItemsets?: number;
  /**
   * Most items summed over the itemsets held (default: no cap): the same threshold raising
   * when the kept itemsets would hold more items in total (long itemsets of a very low
   * threshold). The result is the longest run of best itemsets within both caps.
   */
  maxItemsetItems?: number;
  /**
   * Bytes the search may use for its buffers (default: no budget; with several threads, the
   * budget is shared equally). The search fails fast with a `MiningLimitError` carrying an
   * estimate when it cannot fit, before it starts or as soon as a buffer would grow past it.
   */
  memoryBudgetBytes?: number;
}

export interface ResolvedOptions {
  /** Absolute minimum utility (integer). In top-k mode: the initial internal threshold. */
  minUtil: number;
  /** Minimum support count (>= 1). */
  minSup: number;
  /** Maximum itemset length (a large number when unlimited). */
  maxLength: number;
  /** k for top-k mode, 0 otherwise. */
  topK: number;
  merging: boolean | 'auto';
  /** Fraction of kept suffix items under which a projection is copied (0: never, 2: always). */
  compactRatio: number;
  /** Most itemsets held (0: no cap). */
  maxItemsets: number;
  /** Most items summed over the itemsets held (0: no cap). */
  maxItemsetItems: number;
  /** Buffer budget of one search in bytes (0: none). */
  memoryBudgetBytes: number;
}

/** Exact ceil(total * pct / 100) for a decimal percentage string like "0.05". */
export function percentOf(total: number, pctText: string): number {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(pctText);
  if (!m) throw new RangeError(`invalid percentage "${pctText}%"`);
  const frac = m[2] ?? '';
  const num = BigInt(m[1] + frac); // pct = num / 10^frac.length
  const den = 100n * 10n ** BigInt(frac.length);
  const prod = BigInt(total) * num;
  let q = prod / den;
  if (q * den < prod) q += 1n;
  return Number(q);
}

/** Parse a minimum utility given as a number or "P%" against a total utility. */
export function resolveMinUtility(value: number | string, totalUtility: number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`minUtility must be a non-negative number, got ${value}`);
    return Math.ceil(value);
  }
  const s = value.trim();
  if (s.endsWith('%')) return percentOf(totalUtility, s.slice(0, -1));
  const v = Number(s);
  if (s === '' || !Number.isFinite(v) || v < 0) throw new RangeError(`invalid minUtility "${value}"`);
  return Math.ceil(v);
}

/** Smallest count c with c / n >= fraction (same float comparison as the definition). */
export function minSupportCount(fraction: number, n: number): number {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`minSupport must be a fraction in [0, 1], got ${fraction}`);
  if (n === 0) return 1;
  let c = Math.max(1, Math.ceil(fraction * n));
  while (c > 1 && (c - 1) / n >= fraction) c--;
  while (c / n < fraction) c++;
  return c;
}

export function resolveOptions(db: UtilityDatabase, o: MineOptions): ResolvedOptions {
  const hasMin = o.minUtility !== undefined;
  const hasTop = o.topK !== undefined;
  if (hasMin === hasTop) throw new RangeError('give exactly one of minUtility and topK');
  let topK = 0;
  if (hasTop) {
    if (!Number.isInteger(o.topK) || (o.topK as number) < 1) throw new RangeError(`topK must be a positive integer, got ${o.topK}`);
    topK = o.topK as number;
  }
  const maxLength = o.maxLength === undefined ? 0x3fffffff : o.maxLength;
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError(`maxLength must be a positive integer, got ${o.maxLength}`);
  const minSup = minSupportCount(o.minSupport ?? 0, db.nTransactions);
  const minUtil = hasMin ? resolveMinUtility(o.minUtility as number | string, db.totalUtility) : 1;
  const merging = o.merging ?? 'auto';
  if (merging !== true && merging !== false && merging !== 'auto') throw new RangeError(`merging must be true, false or 'auto'`);
  const c = o.compaction ?? 'auto';
  if (c !== 'auto' && c !== 'always' && c !== 'never') throw new RangeError(`compaction must be 'auto', 'always' or 'never'`);
  const compactRatio = c === 'auto' ? 0.9 : c === 'always' ? 2 : 0;
  const maxItemsetItems = o.maxItemsetItems ?? 0;
  if (!Number.isSafeInteger(maxItemsetItems) || maxItemsetItems < 0) throw new RangeError(`maxItemsetItems must be a positive integer, got ${o.maxItemsetItems}`);
  // every itemset holds an item, so an item cap is also a count cap
  const maxItemsets = o.maxItemsets ?? (maxItemsetItems > 0 ? maxItemsetItems : 0);
  if (!Number.isSafeInteger(maxItemsets) || maxItemsets < 0) throw new RangeError(`maxItemsets must be a positive integer, got ${o.maxItemsets}`);
  if (maxItemsets > 0 && topK > maxItemsets) throw new RangeError(`topK (${topK}) may not exceed maxItemsets (${maxItemsets})`);
  const memoryBudgetBytes = o.memoryBudgetBytes ?? 0;
  if (!(Number.isFinite(memoryBudgetBytes) && memoryBudgetBytes >= 0)) throw new RangeError(`memoryBudgetBytes must be a non-negative number, got ${o.memoryBudgetBytes}`);
  return { minUtil, minSup, maxLength, topK, merging, compactRatio, maxItemsets, maxItemsetItems, memoryBudgetBytes };
}
