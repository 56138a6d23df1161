/**
 * EFIM high-utility itemset mining engine, written from the paper:
 *
 *   S. Zida, P. Fournier-Viger, J. C.-W. Lin, C.-W. Wu, V. S. Tseng,
 *   "EFIM: a fast and memory efficient algorithm for high-utility itemset mining",
 *   Knowledge and Information Systems 51(2), 2017.
 *
 * From EFIM: TWU-based pruning of items and the ascending-TWU total order, database
 * projection (a projected transaction is a suffix of a transaction plus the utility
 * of the prefix), high-utility transaction merging of identical projected transactions
 * (transactions sorted in the reverse-lexicographic order so that identical projections
 * are adjacent), and the revised sub-tree utility (Primary items) and local utility
 * (Secondary items) upper bounds, both computed in one scan with utility-bin arrays.
 *
 * Beyond EFIM, for long and sparse baskets:
 *  - Instead of scanning the whole projected database once per extension item (EFIM
 *    scans alpha-D |Primary(alpha)| times), every node builds an item -> (transaction,
 *    position) index of alpha-D for its Primary items in a single scan (a pseudo-projection
 *    in the spirit of the "pattern growth with item-indexed projections" of d2HUP:
 *    J. Liu, K. Wang, B. C. M. Fung, "Direct discovery of high utility itemsets without
 *    candidate generation", ICDM 2012 / "Mining high utility patterns in one phase without
 *    generating candidates", TKDE 28(5), 2016). Projecting on item i then only touches
 *    the transactions that contain i, and never searches for i inside a transaction.
 *  - Compact projections: when few items of the scanned suffixes are still Secondary, the
 *    projected transactions are copied restricted to Secondary(beta) (in the spirit of the compact utility
 *    lists of HMiner: S. Krishnamoorthy, "HMiner: efficiently mining high utility
 *    itemsets", Expert Systems with Applications 90, 2017), and carry suffix sums of their
 *    utilities, so that the bins pass over them is a single loop.
 *  - TWU pruning is iterated to a fixpoint before the search.
 *  - No projected database is built at the last level allowed by maxLength, nor for a node
 *    without Primary items.
 *
 * Everything is stored in flat typed arrays: items as Int32Array, utilities as Float64Array
 * (integers, exact up to 2^53, so sums in merged transactions cannot overflow or drift).
 */
import type { UtilityDatabase } from './database';
import type { ResolvedOptions } from './options';

/** The database after TWU pruning, renaming by TWU rank, sorting and merging: the input of the search. */
export interface PreparedDatabase {
  /** Number of kept items; ranks 0..m-1 in ascending TWU order. */
  m: number;
  /** Dense id (in the source database) of each rank. */
  rankToDense: Int32Array;
  /** Item ranks of all transactions, ascending within a transaction. */
  items: Int32Array;
  /** Utilities parallel to `items`. */
  utils: Float64Array;
  /** Transaction t spans [start[t], start[t] + len[t]). */
  start: Int32Array;
  len: Int32Array;
  /** Number of source transactions merged into transaction t. */
  count: Int32Array;
  /** Number of transactions. */
  n: number;
  /** Resolved thresholds (minUtil possibly raised for top-k). */
  minUtil: number;
  minSup: number;
  maxLength: number;
  topK: number;
  /** Whether transaction merging is used in projections. */
  merging: boolean;
  /** Number of source transactions merged away at the top level. */
  mergedTop: number;
  /** See ResolvedOptions.compactRatio. */
  compactRatio: number;
  /** Most itemsets a search keeps (0: no cap); see ResolvedOptions.maxItemsets. */
  maxItemsets: number;
  /** Most items summed over the itemsets kept (0: no cap). */
  maxItemsetItems: number;
  /** Bytes one search may hold in its arena and output (0: no budget). */
  memoryBudgetBytes: number;
}

/**
 * A search that cannot stay within its memory budget, even with the threshold raised:
 * thrown before the search when the estimate is already over, or when an arena would grow past it.
 */
export class MiningLimitError extends Error {
  constructor(
    message: string,
    /** Estimated bytes the search needed when it stopped. */
    readonly estimatedBytes: number,
    readonly budgetBytes: number,
  ) {
    super(message);
    this.name = 'MiningLimitError';
  }
}

const MB = 1024 * 1024;
/** Bytes per arena slot (IT Int32 + UT Float64 + SU Float64) and per stored itemset (offset, utility, support). */
const ARENA_SLOT_BYTES = 20;
const OUTPUT_SLOT_BYTES = 16;

/**
 * Estimated bytes of one search before it starts: its arena (the database plus a quarter),
 * the per-item bins and, with a cap, the output buffers at their compaction point
 * (2 * cap + 1024 itemsets of average length).
 */
export function estimateSearchBytes(db: PreparedDatabase): number {
  const arena = (db.items.length + Math.max(1024, db.items.length >> 2)) * ARENA_SLOT_BYTES;
  const bins = db.m * 32 + db.n * 16;
  const items = db.maxItemsetItems > 0 ? 2 * db.maxItemsetItems + 4096 : (2 * db.maxItemsets + 1024) * Math.min(db.maxLength, Math.max(1, db.m), 8);
  const output = db.maxItemsets > 0 ? ((2 * db.maxItemsets + 1024) * OUTPUT_SLOT_BYTES + 4 * items) * 2 : 0;
  return arena + bins + output;
}

/** Fail fast when even the capped search does not fit its budget; the error carries the estimate. */
export function checkSearchBudget(db: PreparedDatabase): void {
  if (db.memoryBudgetBytes <= 0) return;
  const estimate = estimateSearchBytes(db);
  if (estimate > db.memoryBudgetBytes) {
    throw new MiningLimitError(
      `mining would need about ${Math.ceil(estimate / MB)} MB (database of ${db.items.length} item occurrences${db.maxItemsets > 0 ? `, up to ${db.maxItemsets} itemsets kept` : ''}), over its memory budget of ${Math.floor(db.memoryBudgetBytes / MB)} MB: lower maxPatternLength, raise the threshold or mine fewer transactions`,
      estimate,
      db.memoryBudgetBytes,
    );
  }
}

/** Itemsets found by the search, flat. Items are dense ids of the source database. */
export interface RawItemsets {
  count: number;
  /** Itemset j's items are items[offsets[j] .. offsets[j+1]). */
  offsets: Int32Array;
  items: Int32Array;
  utility: Float64Array;
  support: Int32Array;
}

export interface SearchStats {
  /** Candidate itemsets whose utility was computed. */
  candidates: number;
  /** Projected transactions removed by merging. */
  merged: number;
}

/** Decide the 'auto' merging setting from the data (see README). */
export function chooseMerging(avgLen: number, keptItems: number, dupRatio: number): boolean {
  // Merging pays off when identical projected transactions are common: dense data
  // (long transactions over few items) or many duplicate transactions at the top.
  const density = keptItems > 0 ? avgLen / keptItems : 0;
  return density >= 0.05 || dupRatio >= 0.05;
}

// prepare() is split into small functions with one main loop each: V8 compiles long loops
// with on-stack replacement, and code after such a loop in the same function would run
// without type feedback (deoptimization) on a cold start.

/** Sum of the utilities of the kept items of each transaction (all items when keep is null). */
function revisedTu(db: UtilityDatabase, keep: Uint8Array | null, out: Float64Array): Float64Array {
  const { offsets, items, utilities } = db;
  const nT = db.nTransactions;
  if (keep === null) {
    out.set(db.transactionUtility);
    return out;
  }
  for (let t = 0; t < nT; t++) {
    let tu = 0;
    for (let p = offsets[t], e = offsets[t + 1]; p < e; p++) if (keep[items[p]] !== 0) tu += utilities[p];
    out[t] = tu;
  }
  return out;
}

/** TWU of every item from the given transaction utilities. */
function twuOf(db: UtilityDatabase, tu: Float64Array, twu: Float64Array): Float64Array {
  const { offsets, items } = db;
  const nT = db.nTransactions;
  twu.fill(0);
  for (let t = 0; t < nT; t++) {
    const u = tu[t];
    if (u === 0) continue;
    for (let p = offsets[t], e = offsets[t + 1]; p < e; p++) twu[items[p]] += u;
  }
  return twu;
}

/** Drop kept items whose TWU (or support) is too low; returns the number dropped. */
function pruneItems(keep: Uint8Array, twu: Float64Array, support: Int32Array, minUtil: number, minSup: number, first: boolean): number {
  let removed = 0;
  for (let d = 0; d < keep.length; d++) {
    if (first) keep[d] = 1;
    if (keep[d] !== 0 && (twu[d] < minUtil || support[d] < minSup || support[d] === 0)) {
      keep[d] = 0;
      removed++;
    }
  }
  return removed;
}

/** Count the kept items of each transaction (tLen) and the occurrences of each rank (rankCount[r+1]); returns the total. */
function countRevised(db: UtilityDatabase, denseToRank: Int32Array, tLen: Int32Array, rankCount: Int32Array): number {
  const { offsets, items } = db;
  const nT = db.nTransactions;
  let total = 0;
  for (let t = 0; t < nT; t++) {
    let c = 0;
    for (let p = offsets[t], e = offsets[t + 1]; p < e; p++) {
      const r = denseToRank[items[p]];
      if (r >= 0) {
        c++;
        rankCount[r + 1]++;
      }
    }
    tLen[t] = c;
    total += c;
  }
  return total;
}

/** Occurrences grouped by rank (counting sort): transaction and utility of each. */
function groupByRank(db: UtilityDatabase, denseToRank: Int32Array, fill: Int32Array, occT: Int32Array, occU: Float64Array): number {
  const { offsets, items, utilities } = db;
  const nT = db.nTransactions;
  for (let t = 0; t < nT; t++) {
    for (let p = offsets[t], e = offsets[t + 1]; p < e; p++) {
      const r = denseToRank[items[p]];
      if (r >= 0) {
        const q = fill[r]++;
        occT[q] = t;
        occU[q] = utilities[p];
      }
    }
  }
  return nT;
}

/** Walk ranks in ascending order appending to each transaction: items end up sorted by rank. */
function scatterByRank(m: number, rankCount: Int32Array, occT: Int32Array, occU: Float64Array, fill: Int32Array, it0: Int32Array, ut0: Float64Array): number {
  for (let r = 0; r < m; r++) {
    for (let q = rankCount[r], e = rankCount[r + 1]; q < e; q++) {
      const w = fill[occT[q]]++;
      it0[w] = r;
      ut0[w] = occU[q];
    }
  }
  return m;
}

/**
 * Sort transactions in the reverse-lexicographic order (compare from the last item
 * backwards, a proper suffix first). A native numeric sort on a key made of the last two
 * items does most of the work; runs of equal keys are finished with a comparator.
 */
function sortReverseLex(order: Int32Array, tStart: Int32Array, tLen: Int32Array, it0: Int32Array, m: number): Int32Array {
  const n = order.length;
  const cmp = (a: number, b: number): number => {
    let pa = tStart[a] + tLen[a] - 1;
    let pb = tStart[b] + tLen[b] - 1;
    const ea = tStart[a];
    const eb = tStart[b];
    while (pa >= ea && pb >= eb) {
      const d = it0[pa] - it0[pb];
      if (d !== 0) return d;
      pa--;
      pb--;
    }
    if (pa >= ea) return 1;
    if (pb >= eb) return -1;
    return a - b;
  };
  const base = m + 1;
  let maxT = 0;
  for (let k = 0; k < n; k++) if (order[k] > maxT) maxT = order[k];
  let shift = 1;
  while (shift <= maxT) shift *= 2;
  if (base * base * shift >= 2 ** 52) {
    const arr = Array.from(order).sort(cmp);
    order.set(arr);
    return order;
  }
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const t = order[k];
    const s = tStart[t];
    const l = tLen[t];
    const last = it0[s + l - 1];
    const prev = l >= 2 ? it0[s + l - 2] + 1 : 0; // 0: no second item (shorter first)
    keys[k] = (last * base + prev) * shift + t;
  }
  keys.sort();
  for (let k = 0; k < n; k++) order[k] = keys[k] % shift;
  return finishRuns(order, keys, shift, cmp);
}

/** Sort runs of equal two-item keys with the full comparator. */
function finishRuns(order: Int32Array, keys: Float64Array, shift: number, cmp: (a: number, b: number) => number): Int32Array {
  const n = order.length;
  let k = 0;
  while (k < n) {
    const key = Math.floor(keys[k] / shift);
    let e = k + 1;
    while (e < n && Math.floor(keys[e] / shift) === key) e++;
    if (e - k > 1) {
      const run = Array.from(order.subarray(k, e)).sort(cmp);
      order.set(run, k);
    }
    k = e;
  }
  return order;
}

/** Copy transactions in the given order, merging identical neighbours (if merge). Returns the number of transactions. */
function mergeTop(
  order: Int32Array,
  tStart0: Int32Array,
  tLen: Int32Array,
  it0: Int32Array,
  ut0: Float64Array,
  merge: boolean,
  start: Int32Array,
  len: Int32Array,
  count: Int32Array,
  outIt: Int32Array,
  outUt: Float64Array,
): number {
  let n = 0;
  let w = 0;
  for (let k = 0; k < order.length; k++) {
    const t = order[k];
    const s = tStart0[t];
    const l = tLen[t];
    if (merge && n > 0 && len[n - 1] === l) {
      const ps = start[n - 1];
      let same = true;
      for (let j = 0; j < l; j++) {
        if (outIt[ps + j] !== it0[s + j]) {
          same = false;
          break;
        }
      }
      if (same) {
        for (let j = 0; j < l; j++) outUt[ps + j] += ut0[s + j];
        count[n - 1]++;
        continue;
      }
    }
    start[n] = w;
    len[n] = l;
    count[n] = 1;
    for (let j = 0; j < l; j++) {
      outIt[w + j] = it0[s + j];
      outUt[w + j] = ut0[s + j];
    }
    w += l;
    n++;
  }
  return n;
}

/** Top-k: the k-th largest single-item utility (a real itemset utility: a valid starting threshold). */
function topKStart(db: UtilityDatabase, k: number, minSup: number): number {
  const iu = new Float64Array(db.nItems);
  for (let p = 0; p < db.items.length; p++) iu[db.items[p]] += db.utilities[p];
  const vals: number[] = [];
  for (let d = 0; d < db.nItems; d++) if (db.itemSupport[d] >= minSup && iu[d] > 0) vals.push(iu[d]);
  if (vals.length < k) return 0;
  vals.sort((a, b) => b - a);
  return vals[k - 1];
}

/** TWU pruning, renaming, sorting and top-level merging. */
export function prepare(db: UtilityDatabase, opt: ResolvedOptions): PreparedDatabase {
  const nItems = db.nItems;
  const nT = db.nTransactions;
  const minSup = opt.minSup;
  const minUtil = opt.topK > 0 ? Math.max(opt.minUtil, topKStart(db, opt.topK, minSup)) : opt.minUtil;

  // 1-2. TWU pruning. Removing items lowers the utilities of the revised transactions,
  // hence the TWU of the other items: repeat until nothing changes.
  const keep = new Uint8Array(nItems);
  const tu = new Float64Array(nT);
  const twu = new Float64Array(nItems);
  twuOf(db, revisedTu(db, null, tu), twu);
  let nKeep = nItems - pruneItems(keep, twu, db.itemSupport, minUtil, minSup, true);
  for (let round = 0; round < 64 && nKeep > 0 && nKeep < nItems; round++) {
    twuOf(db, revisedTu(db, keep, tu), twu);
    const removed = pruneItems(keep, twu, db.itemSupport, minUtil, minSup, false);
    nKeep -= removed;
    if (removed === 0) break;
  }
  // Order by ascending TWU (ties by dense id).
  const kept: number[] = [];
  for (let d = 0; d < nItems; d++) if (keep[d] !== 0) kept.push(d);
  kept.sort((a, b) => twu[a] - twu[b] || a - b);
  const m = kept.length;
  const rankToDense = Int32Array.from(kept);
  const denseToRank = new Int32Array(nItems).fill(-1);
  for (let r = 0; r < m; r++) denseToRank[kept[r]] = r;

  // 3. Revised transactions (kept items only), items sorted by rank (counting sort).
  const tLen = new Int32Array(nT);
  const rankCount = new Int32Array(m + 1);
  const total = countRevised(db, denseToRank, tLen, rankCount);
  for (let r = 0; r < m; r++) rankCount[r + 1] += rankCount[r];
  const occT = new Int32Array(total);
  const occU = new Float64Array(total);
  groupByRank(db, denseToRank, rankCount.slice(0, m), occT, occU);
  const tStart0 = new Int32Array(nT);
  let nonEmpty = 0;
  for (let t = 0, s = 0; t < nT; t++) {
    tStart0[t] = s;
    s += tLen[t];
    if (tLen[t] > 0) nonEmpty++;
  }
  const it0 = new Int32Array(total);
  const ut0 = new Float64Array(total);
  scatterByRank(m, rankCount, occT, occU, tStart0.slice(), it0, ut0);

  // 4. Transaction order: reverse-lexicographic, so that identical projected transactions
  // are adjacent at any depth (needed by merging only).
  let order: Int32Array = new Int32Array(nonEmpty);
  for (let t = 0, k = 0; t < nT; t++) if (tLen[t] > 0) order[k++] = t;
  const avgLen = nonEmpty > 0 ? total / nonEmpty : 0;
  const wantSort = opt.merging !== false;
  if (wantSort) order = sortReverseLex(order, tStart0, tLen, it0, m);
  // 5. Top-level merging of identical revised transactions.
  const start = new Int32Array(nonEmpty);
  const len = new Int32Array(nonEmpty);
  const count = new Int32Array(nonEmpty);
  const outIt = new Int32Array(total);
  const outUt = new Float64Array(total);
  const n = mergeTop(order, tStart0, tLen, it0, ut0, wantSort, start, len, count, outIt, outUt);
  const dups = nonEmpty - n;
  const w = n > 0 ? start[n - 1] + len[n - 1] : 0;
  const merging = opt.merging === 'auto' ? chooseMerging(avgLen, m, nonEmpty > 0 ? dups / nonEmpty : 0) : opt.merging;
  return {
    m,
    rankToDense,
    items: outIt.slice(0, w),
    utils: outUt.slice(0, w),
    start: start.slice(0, n),
    len: len.slice(0, n),
    count: count.slice(0, n),
    n,
    minUtil,
    minSup,
    maxLength: opt.maxLength,
    topK: opt.topK,
    merging,
    mergedTop: dups,
    compactRatio: opt.compactRatio,
    maxItemsets: opt.maxItemsets,
    maxItemsetItems: opt.maxItemsetItems,
    memoryBudgetBytes: opt.memoryBudgetBytes,
  };
}

/** One level of the search: a projected database plus the bucket index of its Primary items. */
class Level {
  n = 0;
  it: Int32Array; // item start in the arena IT
  ut: Int32Array; // utility start in the arenas UT / SU
  len: Int32Array;
  pu: Float64Array; // utility of the prefix in the transaction
  cnt: Int32Array; // source transactions merged into it
  /** Every item of every transaction is Secondary and SU holds valid suffix sums. */
  suf = false;
  // Primary items of this node (ascending rank) with their sub-tree utility, support and
  // number of projected transactions containing them.
  nPrim = 0;
  prim: Int32Array;
  primSu: Float64Array;
  primSup: Int32Array;
  primOcc: Int32Array;
  // Secondary items (alive[z] = 1), ascending in sec.
  alive: Uint8Array;
  nSec = 0;
  sec: Int32Array;
  // bucket index: for Primary item k, entries bStart[k] .. bEnd[k] of bT (transaction) / bP (position)
  bucketOf: Int32Array; // rank -> index in prim, valid when bucketTok[rank] === tok
  bucketTok: Int32Array;
  tok = 0;
  bStart: Int32Array;
  bEnd: Int32Array;
  bT: Int32Array;
  bP: Int32Array;

  /** Make room for n transactions (projections are grown on demand, not sized by the database). */
  ensure(n: number): void {
    if (n <= this.it.length) return;
    let cap = this.it.length * 2;
    while (cap < n) cap *= 2;
    this.it = new Int32Array(cap);
    this.ut = new Int32Array(cap);
    this.len = new Int32Array(cap);
    this.pu = new Float64Array(cap);
    this.cnt = new Int32Array(cap);
  }

  constructor(cap: number, m: number) {
    this.it = new Int32Array(cap);
    this.ut = new Int32Array(cap);
    this.len = new Int32Array(cap);
    this.pu = new Float64Array(cap);
    this.cnt = new Int32Array(cap);
    this.prim = new Int32Array(m);
    this.primSu = new Float64Array(m);
    this.primSup = new Int32Array(m);
    this.primOcc = new Int32Array(m);
    this.alive = new Uint8Array(m);
    this.sec = new Int32Array(m);
    this.bucketOf = new Int32Array(m);
    this.bucketTok = new Int32Array(m);
    this.bStart = new Int32Array(m);
    this.bEnd = new Int32Array(m);
    this.bT = new Int32Array(16);
    this.bP = new Int32Array(16);
  }
}

/** Receives the threshold used by a search and may raise it (top-k across threads). */
export interface ThresholdShare {
  /** Current global threshold (>= every local one). */
  read(): number;
  /** Publish a local threshold. */
  raise(v: number): void;
}

/** The depth-first search. One instance per thread. */
export class Miner {
  readonly db: PreparedDatabase;
  minUtil: number;
  private readonly minSup: number;
  private readonly maxLength: number;
  private readonly topK: number;
  private readonly merging: boolean;
  private readonly m: number;
  // Arena: [0, base) = the prepared database; above it a stack of projected transactions
  // that own their data (compacted or merged). IT: item ranks, UT: utilities,
  // SU: suffix sums of UT within a transaction (SU[k] = UT[k] + UT[k+1] + ... to its end).
  private IT: Int32Array;
  private UT: Float64Array;
  private SU: Float64Array;
  private arenaTop: number;
  /** Copy a projection restricted to Secondary(beta) when those items are less than this fraction of the suffixes. */
  private readonly compactRatio: number;
  private readonly levels: Level[] = [];
  private readonly prefix: Int32Array;
  // utility bins
  private readonly su: Float64Array;
  private readonly lu: Float64Array;
  private readonly sc: Int32Array;
  private readonly occ: Int32Array;
  private readonly touched: Int32Array;
  // output
  private outCount = 0;
  private outOff = new Int32Array(1025);
  private outItems = new Int32Array(4096);
  private outUtil = new Float64Array(1024);
  private outSup = new Int32Array(1024);
  // top-k heap of the k best utilities found
  private readonly heap: Float64Array;
  private heapSize = 0;
  // capped threshold mode: a min-heap of the cap + 1 best utilities found; once full, the
  // threshold is its minimum + 1, so at most `cap` itemsets stay above it
  private readonly cap: number;
  private readonly capHeap: Float64Array;
  private readonly capLengths: Int32Array;
  private capHeapSize = 0;
  /** Items summed over the itemsets in the cap heap, and their cap. */
  private capItems = 0;
  private readonly itemCap: number;
  /** Whether the threshold can rise during the search (top-k or a cap). */
  private readonly adaptive: boolean;
  private readonly budget: number;
  private readonly share: ThresholdShare | undefined;
  readonly stats: SearchStats = { candidates: 0, merged: 0 };
  /** Estimated work of each root task (index in root Primary order). */
  rootWork: Float64Array = new Float64Array(0);

  constructor(db: PreparedDatabase, share?: ThresholdShare) {
    this.db = db;
    this.m = db.m;
    this.minUtil = db.minUtil;
    this.minSup = db.minSup;
    this.maxLength = db.maxLength;
    this.topK = db.topK;
    this.merging = db.merging;
    this.compactRatio = db.compactRatio;
    // the arena starts at the database size plus a quarter and doubles when needed
    const cap = db.items.length + Math.max(1024, db.items.length >> 2);
    this.IT = new Int32Array(cap);
    this.IT.set(db.items);
    this.UT = new Float64Array(cap);
    this.UT.set(db.utils);
    this.SU = new Float64Array(cap);
    for (let t = 0; t < db.n; t++) {
      let acc = 0;
      for (let k = db.start[t] + db.len[t] - 1; k >= db.start[t]; k--) {
        acc += db.utils[k];
        this.SU[k] = acc;
      }
    }
    this.arenaTop = db.items.length;
    this.prefix = new Int32Array(Math.min(db.m, db.maxLength) + 1);
    const m = db.m;
    this.su = new Float64Array(m);
    this.lu = new Float64Array(m);
    this.sc = new Int32Array(m);
    this.occ = new Int32Array(m);
    this.touched = new Int32Array(m);
    this.heap = new Float64Array(this.topK > 0 ? this.topK : 0);
    this.cap = this.topK > 0 ? 0 : db.maxItemsets;
    this.capHeap = new Float64Array(this.cap > 0 ? this.cap + 1 : 0);
    this.capLengths = new Int32Array(this.cap > 0 ? this.cap + 1 : 0);
    this.itemCap = db.maxItemsetItems > 0 ? db.maxItemsetItems : Infinity;
    this.adaptive = this.topK > 0 || this.cap > 0;
    this.budget = db.memoryBudgetBytes;
    this.share = share;
    this.initRoot();
  }

  private level(d: number): Level {
    let L = this.levels[d];
    if (!L) {
      L = new Level(d === 0 ? Math.max(1, this.db.n) : 64, this.m);
      this.levels[d] = L;
    }
    return L;
  }

  /** Number of root tasks (first-level branches). */
  get taskCount(): number {
    return this.levels[0].nPrim;
  }

  private initRoot(): void {
    const db = this.db;
    const L = this.level(0);
    L.n = db.n;
    for (let t = 0; t < db.n; t++) {
      L.it[t] = db.start[t];
      L.ut[t] = db.start[t];
      L.len[t] = db.len[t];
      L.pu[t] = 0;
      L.cnt[t] = db.count[t];
    }
    // Root bins: su(empty, z), lu(empty, z) (= TWU in the revised database), support.
    // prepare() pruned items to a fixpoint of the revised TWU, so every item is Secondary.
    const m = this.m;
    const IT = this.IT;
    const SU = this.SU;
    const su = this.su;
    const lu = this.lu;
    const sc = this.sc;
    const occ = this.occ;
    const work = new Float64Array(m);
    for (let t = 0; t < db.n; t++) {
      const s = L.it[t];
      const l = L.len[t];
      const tot = l > 0 ? SU[s] : 0;
      const c = L.cnt[t];
      for (let j = 0; j < l; j++) {
        const z = IT[s + j];
        su[z] += SU[s + j];
        lu[z] += tot;
        sc[z] += c;
        occ[z]++;
        work[z] += l - j - 1;
      }
    }
    const minUtil = this.minUtil;
    const minSup = this.minSup;
    L.nSec = 0;
    L.nPrim = 0;
    let all = true;
    const works: number[] = [];
    for (let z = 0; z < m; z++) {
      if (sc[z] >= minSup && lu[z] >= minUtil) {
        L.alive[z] = 1;
        L.sec[L.nSec++] = z;
        if (su[z] >= minUtil) {
          const k = L.nPrim++;
          L.prim[k] = z;
          L.primSu[k] = su[z];
          L.primSup[k] = sc[z];
          L.primOcc[k] = occ[z];
          works.push(work[z] + occ[z]);
        }
      } else all = false;
      su[z] = 0;
      lu[z] = 0;
      sc[z] = 0;
      occ[z] = 0;
    }
    L.suf = all;
    this.rootWork = Float64Array.from(works);
    this.buildBuckets(0);
  }

  /** Index the transactions of level d by its Primary items (one scan). */
  private buildBuckets(d: number): void {
    const L = this.levels[d];
    const nP = L.nPrim;
    const tok = ++L.tok;
    let total = 0;
    for (let k = 0; k < nP; k++) {
      L.bucketOf[L.prim[k]] = k;
      L.bucketTok[L.prim[k]] = tok;
      L.bStart[k] = total;
      L.bEnd[k] = total;
      total += L.primOcc[k];
    }
    if (L.bT.length < total) {
      let cap = L.bT.length;
      while (cap < total) cap *= 2;
      L.bT = new Int32Array(cap);
      L.bP = new Int32Array(cap);
    }
    // Note: no code with property stores after the loop (see binsSuffix).
    this.fillBuckets(L, tok, nP > 0 ? L.prim[0] : 0);
  }

  private fillBuckets(L: Level, tok: number, minPrim: number): void {
    const IT = this.IT;
    const bucketOf = L.bucketOf;
    const bucketTok = L.bucketTok;
    const bEnd = L.bEnd;
    const bT = L.bT;
    const bP = L.bP;
    const n = L.n;
    const lit = L.it;
    const llen = L.len;
    // Items are ascending in a transaction: scan from the end, stop below the first Primary
    // item. Entries of each bucket are in transaction order (keeps the reverse-lex order).
    for (let t = 0; t < n; t++) {
      const s = lit[t];
      for (let j = llen[t] - 1; j >= 0; j--) {
        const z = IT[s + j];
        if (z < minPrim) break;
        if (bucketTok[z] === tok) {
          const q = bEnd[bucketOf[z]]++;
          bT[q] = t;
          bP[q] = j;
        }
      }
    }
  }

  private ensureArena(extra: number): void {
    const need = this.arenaTop + extra;
    if (need > this.UT.length) {
      let cap = this.UT.length * 2;
      while (cap < need) cap *= 2;
      this.checkBudget(cap, this.outOff.length, this.outItems.length);
      const top = this.arenaTop;
      const a = new Float64Array(cap);
      a.set(this.UT.subarray(0, top));
      this.UT = a;
      const b = new Int32Array(cap);
      b.set(this.IT.subarray(0, top));
      this.IT = b;
      const c = new Float64Array(cap);
      c.set(this.SU.subarray(0, top));
      this.SU = c;
    }
  }

  private emit(depth: number, utility: number, support: number): void {
    const c = this.outCount;
    if (c + 1 >= this.outOff.length - 1) {
      const cap = this.outOff.length * 2;
      this.checkBudget(this.UT.length, cap, this.outItems.length);
      const o = new Int32Array(cap);
      o.set(this.outOff);
      this.outOff = o;
      const u = new Float64Array(cap);
      u.set(this.outUtil);
      this.outUtil = u;
      const s = new Int32Array(cap);
      s.set(this.outSup);
      this.outSup = s;
    }
    let w = this.outOff[c];
    if (w + depth > this.outItems.length) {
      let cap = this.outItems.length * 2;
      while (cap < w + depth) cap *= 2;
      this.checkBudget(this.UT.length, this.outOff.length, cap);
      const a = new Int32Array(cap);
      a.set(this.outItems.subarray(0, w));
      this.outItems = a;
    }
    const r2d = this.db.rankToDense;
    for (let j = 0; j < depth; j++) this.outItems[w++] = r2d[this.prefix[j]];
    this.outOff[c + 1] = w;
    this.outUtil[c] = utility;
    this.outSup[c] = support;
    this.outCount = c + 1;
    if (this.topK > 0) this.pushTopK(utility);
    else if (this.cap > 0) this.pushCapped(utility, depth);
  }

  /** Throws when buffers of these sizes (old and new copies while growing) would exceed the budget. */
  private checkBudget(arenaSlots: number, outputSlots: number, outputItems: number): void {
    if (this.budget <= 0) return;
    const bytes = (arenaSlots + this.UT.length) * ARENA_SLOT_BYTES + (outputSlots + this.outOff.length) * OUTPUT_SLOT_BYTES + (outputItems + this.outItems.length) * 4;
    if (bytes > this.budget) {
      throw new MiningLimitError(
        `mining stopped: its buffers would grow to about ${Math.ceil(bytes / MB)} MB, over the memory budget of ${Math.floor(this.budget / MB)} MB${this.cap > 0 ? ` (already keeping at most ${this.cap} itemsets)` : ''}: lower maxPatternLength or raise the threshold`,
        bytes,
        this.budget,
      );
    }
  }

  /**
   * Capped mode: the itemsets at or above the threshold, as a min-heap of (utility, length).
   * While they are more than the cap, or hold more items than the item cap, the group of the
   * lowest utility is dropped and the threshold becomes that utility + 1: no smaller
   * threshold can satisfy the caps, since the full result holds at least these itemsets.
   */
  private pushCapped(u: number, length: number): void {
    const hu = this.capHeap;
    const hl = this.capLengths;
    let i = this.capHeapSize++;
    hu[i] = u;
    hl[i] = length;
    this.capItems += length;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (hu[p] <= hu[i]) break;
      this.swapCap(p, i);
      i = p;
    }
    if (this.capHeapSize <= this.cap && this.capItems <= this.itemCap) return;
    let raised = this.minUtil;
    while (this.capHeapSize > 0 && (this.capHeapSize > this.cap || this.capItems > this.itemCap)) {
      const v = hu[0];
      while (this.capHeapSize > 0 && hu[0] === v) this.popCap();
      raised = Math.max(raised, v + 1);
    }
    if (raised > this.minUtil) {
      this.minUtil = raised;
      if (this.share) this.share.raise(raised);
      if (this.outCount > 2 * this.cap + 1024 || this.outOff[this.outCount] > 2 * this.itemCap + 4096) this.compactOutput();
    }
  }

  private swapCap(a: number, b: number): void {
    const hu = this.capHeap;
    const hl = this.capLengths;
    const tu = hu[a];
    hu[a] = hu[b];
    hu[b] = tu;
    const tl = hl[a];
    hl[a] = hl[b];
    hl[b] = tl;
  }

  private popCap(): void {
    const hu = this.capHeap;
    const n = --this.capHeapSize;
    this.capItems -= this.capLengths[0];
    hu[0] = hu[n];
    this.capLengths[0] = this.capLengths[n];
    let i = 0;
    for (;;) {
      const a = 2 * i + 1;
      const b = a + 1;
      let s = i;
      if (a < n && hu[a] < hu[s]) s = a;
      if (b < n && hu[b] < hu[s]) s = b;
      if (s === i) break;
      this.swapCap(s, i);
      i = s;
    }
  }

  private pushTopK(u: number): void {
    const h = this.heap;
    const k = this.topK;
    if (this.heapSize < k) {
      let i = this.heapSize++;
      h[i] = u;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (h[p] <= h[i]) break;
        const tmp = h[p];
        h[p] = h[i];
        h[i] = tmp;
        i = p;
      }
    } else if (u > h[0]) {
      h[0] = u;
      let i = 0;
      for (;;) {
        const a = 2 * i + 1;
        const b = a + 1;
        let s = i;
        if (a < k && h[a] < h[s]) s = a;
        if (b < k && h[b] < h[s]) s = b;
        if (s === i) break;
        const tmp = h[s];
        h[s] = h[i];
        h[i] = tmp;
        i = s;
      }
    } else return;
    if (this.heapSize === k && h[0] > this.minUtil) {
      this.minUtil = h[0];
      if (this.share) this.share.raise(h[0]);
      if (this.outCount > 4 * k + 1024) this.compactOutput();
    }
  }

  /** Top-k or capped: drop stored itemsets below the current threshold. */
  private compactOutput(): void {
    const t = this.minUtil;
    let w = 0;
    let wi = 0;
    for (let c = 0; c < this.outCount; c++) {
      if (this.outUtil[c] < t) continue;
      const s = this.outOff[c];
      const e = this.outOff[c + 1];
      this.outOff[w] = wi;
      for (let p = s; p < e; p++) this.outItems[wi++] = this.outItems[p];
      this.outUtil[w] = this.outUtil[c];
      this.outSup[w] = this.outSup[c];
      w++;
    }
    this.outOff[w] = wi;
    this.outCount = w;
  }

  private syncThreshold(): void {
    if (this.share) {
      const g = this.share.read();
      if (g > this.minUtil) this.minUtil = g;
    }
  }

  /** Run every root task in order (single-threaded mining). */
  runAll(): void {
    const nT = this.taskCount;
    for (let k = 0; k < nT; k++) this.runTask(k);
  }

  /** Explore the branch of the k-th root Primary item. */
  runTask(k: number): void {
    this.step(0, k);
  }

  /** Explore all Primary items of level d. */
  private explore(d: number): void {
    const L = this.levels[d];
    this.buildBuckets(d);
    const nP = L.nPrim;
    for (let k = 0; k < nP; k++) this.step(d, k);
  }

  // results of the passes below (kept in fields so that each pass is a small function
  // with one hot loop: V8 optimizes those early and keeps them optimized)
  private nTouched = 0;
  private scanned = 0;
  private kept = 0;

  /** Extend the node at level d with its k-th Primary item i (beta = alpha + {i}), then recurse. */
  private step(d: number, k: number): void {
    const L = this.levels[d];
    if (this.adaptive) {
      this.syncThreshold();
      if (L.primSu[k] < this.minUtil) return;
    }
    const sup = L.primSup[k];
    if (sup < this.minSup) return;
    const i = L.prim[k];
    this.prefix[d] = i;
    const b0 = L.bStart[k];
    const b1 = L.bEnd[k];
    this.stats.candidates++;

    // Leaf (maxLength reached): only the utility of beta is needed.
    if (d + 1 >= this.maxLength) {
      const u = this.leafUtility(L, b0, b1);
      if (u >= this.minUtil) this.emit(d + 1, u, sup);
      return;
    }
    // Pass 1: u(beta) and the utility bins of beta.
    const uBeta = L.suf ? this.binsSuffix(L, b0, b1) : this.binsAlive(L, b0, b1);
    if (uBeta >= this.minUtil) this.emit(d + 1, uBeta, sup);
    // Primary(beta) and Secondary(beta).
    const N = this.level(d + 1);
    this.extract(L, N, i);
    if (N.nPrim > 0) {
      N.ensure(b1 - b0);
      const arenaMark = this.arenaTop;
      // Pass 2: build beta-D. If every suffix item is still Secondary, point into the
      // suffixes (EFIM projection); if few are, copy the transactions restricted to
      // Secondary(beta) into the arena (shorter transactions for the whole sub-tree).
      const kept = this.kept;
      const scanned = this.scanned;
      let merged: number;
      if (kept === scanned) merged = this.projectShared(L, N, b0, b1, arenaMark, L.suf);
      else if (kept < scanned * this.compactRatio) merged = this.projectCompact(L, N, b0, b1);
      else merged = this.projectShared(L, N, b0, b1, arenaMark, false);
      this.stats.merged += merged;
      this.explore(d + 1);
      this.arenaTop = arenaMark;
    }
    const nAlive = N.alive;
    const nSecList = N.sec;
    for (let x = 0, e = N.nSec; x < e; x++) nAlive[nSecList[x]] = 0;
    N.nSec = 0;
  }

  private leafUtility(L: Level, b0: number, b1: number): number {
    const UT = this.UT;
    const bT = L.bT;
    const bP = L.bP;
    const lpu = L.pu;
    const lut = L.ut;
    let u = 0;
    for (let q = b0; q < b1; q++) {
      const t = bT[q];
      u += lpu[t] + UT[lut[t] + bP[q]];
    }
    return u;
  }

  /**
   * Pass 1 over the transactions of alpha-D containing i (bucket entries b0..b1) when every
   * item of alpha-D is Secondary: remaining utilities are the precomputed suffix sums.
   * Fills the bins of beta for the items after i: sub-tree utility su, local utility lu,
   * support sc, number of projected transactions occ; lists the items with sc > 0 in touched.
   * Returns u(beta).
   */
  private binsSuffix(L: Level, b0: number, b1: number): number {
    const IT = this.IT;
    const UT = this.UT;
    const SU = this.SU;
    const bT = L.bT;
    const bP = L.bP;
    const lpu = L.pu;
    const lut = L.ut;
    const lit = L.it;
    const llen = L.len;
    const lcnt = L.cnt;
    const su = this.su;
    const lu = this.lu;
    const sc = this.sc;
    const occ = this.occ;
    const touched = this.touched;
    let nTouched = 0;
    let uBeta = 0;
    let scanned = 0;
    this.nTouched = 0;
    this.scanned = 0;
    for (let q = b0; q < b1; q++) {
      const t = bT[q];
      const p = bP[q];
      const us = lut[t] + p;
      const pu = lpu[t] + UT[us];
      uBeta += pu;
      const rl = llen[t] - p - 1;
      if (rl === 0) continue;
      scanned += rl;
      const is = lit[t] + p + 1;
      const rs = us + 1;
      const c = lcnt[t];
      const base = pu + SU[rs];
      for (let j = 0; j < rl; j++) {
        const z = IT[is + j];
        su[z] += pu + SU[rs + j];
        lu[z] += base;
        const s0 = sc[z];
        if (s0 === 0) touched[nTouched++] = z;
        sc[z] = s0 + c;
        occ[z]++;
      }
      this.nTouched = nTouched;
      this.scanned = scanned;
    }
    return uBeta;
  }

  /** Pass 1 when alpha-D may hold items that are not Secondary(alpha) (skipped). */
  private binsAlive(L: Level, b0: number, b1: number): number {
    const IT = this.IT;
    const UT = this.UT;
    const bT = L.bT;
    const bP = L.bP;
    const lpu = L.pu;
    const lut = L.ut;
    const lit = L.it;
    const llen = L.len;
    const lcnt = L.cnt;
    const alive = L.alive;
    const su = this.su;
    const lu = this.lu;
    const sc = this.sc;
    const occ = this.occ;
    const touched = this.touched;
    let nTouched = 0;
    let uBeta = 0;
    let scanned = 0;
    this.nTouched = 0;
    this.scanned = 0;
    for (let q = b0; q < b1; q++) {
      const t = bT[q];
      const p = bP[q];
      const us = lut[t] + p;
      const pu = lpu[t] + UT[us];
      uBeta += pu;
      const rl = llen[t] - p - 1;
      if (rl === 0) continue;
      scanned += rl;
      const is = lit[t] + p + 1;
      const rs = us + 1;
      const c = lcnt[t];
      let tot = 0;
      for (let j = 0; j < rl; j++) if (alive[IT[is + j]] !== 0) tot += UT[rs + j];
      let r = tot;
      const base = pu + tot;
      for (let j = 0; j < rl; j++) {
        const z = IT[is + j];
        if (alive[z] === 0) continue;
        su[z] += pu + r;
        lu[z] += base;
        const s0 = sc[z];
        if (s0 === 0) touched[nTouched++] = z;
        sc[z] = s0 + c;
        occ[z]++;
        r -= UT[rs + j];
      }
      this.nTouched = nTouched;
      this.scanned = scanned;
    }
    return uBeta;
  }

  /** Primary(beta) and Secondary(beta) (ascending rank) from the bins into level N; resets the bins. */
  private extract(L: Level, N: Level, i: number): void {
    const su = this.su;
    const lu = this.lu;
    const sc = this.sc;
    const occ = this.occ;
    const minUtil = this.minUtil;
    const minSup = this.minSup;
    const nTouched = this.nTouched;
    // either sort the touched items or walk Secondary(alpha) after i, whichever is cheaper
    const sec = L.sec;
    let lo = 0;
    let hi = L.nSec;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sec[mid] <= i) lo = mid + 1;
      else hi = mid;
    }
    const secAfter = L.nSec - lo;
    let list: Int32Array;
    let nList: number;
    if (nTouched * (4 + Math.log2(nTouched + 1)) < secAfter) {
      list = this.touched.subarray(0, nTouched).sort();
      nList = nTouched;
    } else {
      list = sec.subarray(lo, L.nSec);
      nList = secAfter;
    }
    let nPrim = 0;
    let nSec = 0;
    let kept = 0;
    const nAlive = N.alive;
    const nSecList = N.sec;
    const prim = N.prim;
    const primSu = N.primSu;
    const primSup = N.primSup;
    const primOcc = N.primOcc;
    for (let x = 0; x < nList; x++) {
      const z = list[x];
      const s0 = sc[z];
      if (s0 === 0) continue;
      if (s0 >= minSup && lu[z] >= minUtil) {
        nAlive[z] = 1;
        nSecList[nSec++] = z;
        kept += occ[z];
        const s = su[z];
        if (s >= minUtil) {
          prim[nPrim] = z;
          primSu[nPrim] = s;
          primSup[nPrim] = s0;
          primOcc[nPrim] = occ[z];
          nPrim++;
        }
      }
      su[z] = 0;
      lu[z] = 0;
      sc[z] = 0;
      occ[z] = 0;
    }
    N.nPrim = nPrim;
    N.nSec = nSec;
    this.kept = kept;
  }

  /**
   * beta-D as suffix pointers (EFIM projection), merging adjacent identical transactions.
   * With keepSuf, suffix sums stay valid (merged copies get summed suffix sums).
   */
  private projectShared(L: Level, N: Level, b0: number, b1: number, arenaMark: number, keepSuf: boolean): number {
    let IT = this.IT;
    let UT = this.UT;
    let SU = this.SU;
    const bT = L.bT;
    const bP = L.bP;
    const lit = L.it;
    const lut = L.ut;
    const llen = L.len;
    const lpu = L.pu;
    const lcnt = L.cnt;
    const nit = N.it;
    const nut = N.ut;
    const nlen = N.len;
    const npu = N.pu;
    const ncnt = N.cnt;
    const merging = this.merging;
    let nN = 0;
    let merged = 0;
    N.n = 0;
    N.suf = keepSuf;
    for (let q = b0; q < b1; q++) {
      const t = bT[q];
      const p = bP[q];
      const rl = llen[t] - p - 1;
      if (rl === 0) continue;
      const us = lut[t] + p;
      const pu = lpu[t] + UT[us];
      const c = lcnt[t];
      const is = lit[t] + p + 1;
      const rs = us + 1;
      if (merging && nN > 0 && nlen[nN - 1] === rl) {
        const pq = nN - 1;
        const ps = nit[pq];
        let same = true;
        for (let j = 0; j < rl; j++) {
          if (IT[ps + j] !== IT[is + j]) {
            same = false;
            break;
          }
        }
        if (same) {
          let pus = nut[pq];
          if (pus < arenaMark) {
            // first merge into this transaction: give it its own utilities in the arena
            if (this.arenaTop + rl > UT.length) {
              this.ensureArena(rl);
              UT = this.UT;
              IT = this.IT;
              SU = this.SU;
            }
            const w = this.arenaTop;
            UT.copyWithin(w, pus, pus + rl);
            if (keepSuf) SU.copyWithin(w, pus, pus + rl);
            this.arenaTop = w + rl;
            nut[pq] = w;
            pus = w;
          }
          for (let j = 0; j < rl; j++) UT[pus + j] += UT[rs + j];
          if (keepSuf) for (let j = 0; j < rl; j++) SU[pus + j] += SU[rs + j];
          npu[pq] += pu;
          ncnt[pq] += c;
          merged++;
          continue;
        }
      }
      nit[nN] = is;
      nut[nN] = rs;
      nlen[nN] = rl;
      npu[nN] = pu;
      ncnt[nN] = c;
      nN++;
      N.n = nN;
    }
    return merged;
  }

  /** beta-D restricted to Secondary(beta), copied into the arena with suffix sums; merges adjacent identical transactions. */
  private projectCompact(L: Level, N: Level, b0: number, b1: number): number {
    const bT = L.bT;
    const bP = L.bP;
    const lit = L.it;
    const lut = L.ut;
    const llen = L.len;
    const lpu = L.pu;
    const lcnt = L.cnt;
    const nit = N.it;
    const nut = N.ut;
    const nlen = N.len;
    const npu = N.pu;
    const ncnt = N.cnt;
    const nAlive = N.alive;
    const merging = this.merging;
    let nN = 0;
    let merged = 0;
    N.n = 0;
    N.suf = true;
    for (let q = b0; q < b1; q++) {
      const t = bT[q];
      const p = bP[q];
      const rl = llen[t] - p - 1;
      if (rl === 0) continue;
      if (this.arenaTop + rl > this.UT.length) this.ensureArena(rl);
      const IT = this.IT;
      const UT = this.UT;
      const SU = this.SU;
      const us = lut[t] + p;
      const pu = lpu[t] + UT[us];
      const c = lcnt[t];
      const is = lit[t] + p + 1;
      const rs = us + 1;
      const top = this.arenaTop;
      let w = top;
      for (let j = 0; j < rl; j++) {
        const z = IT[is + j];
        if (nAlive[z] !== 0) {
          IT[w] = z;
          UT[w] = UT[rs + j];
          w++;
        }
      }
      const nl = w - top;
      if (nl === 0) continue;
      let dst = top;
      if (merging && nN > 0 && nlen[nN - 1] === nl) {
        const ps = nit[nN - 1];
        let same = true;
        for (let j = 0; j < nl; j++) {
          if (IT[ps + j] !== IT[top + j]) {
            same = false;
            break;
          }
        }
        if (same) {
          const pq = nN - 1;
          dst = nut[pq]; // compacted transactions own their utilities
          for (let j = 0; j < nl; j++) UT[dst + j] += UT[top + j];
          npu[pq] += pu;
          ncnt[pq] += c;
          merged++;
        }
      }
      let acc = 0;
      for (let x = dst + nl - 1; x >= dst; x--) {
        acc += UT[x];
        SU[x] = acc;
      }
      if (dst !== top) continue;
      nit[nN] = top;
      nut[nN] = top;
      nlen[nN] = nl;
      npu[nN] = pu;
      ncnt[nN] = c;
      nN++;
      N.n = nN;
      this.arenaTop = w;
    }
    return merged;
  }

  /** The itemsets found so far (copies). */
  result(): RawItemsets {
    const c = this.outCount;
    return {
      count: c,
      offsets: this.outOff.slice(0, c + 1),
      items: this.outItems.slice(0, this.outOff[c]),
      utility: this.outUtil.slice(0, c),
      support: this.outSup.slice(0, c),
    };
  }
}
