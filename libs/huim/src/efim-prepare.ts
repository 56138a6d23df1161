/**
 * EFIM's preparation of the database before the search, from the paper:
 *
 *   S. Zida, P. Fournier-Viger, J. C.-W. Lin, C.-W. Wu, V. S. Tseng,
 *   "EFIM: a fast and memory efficient algorithm for high-utility itemset mining",
 *   Knowledge and Information Systems 51(2), 2017.
 *
 * TWU-based pruning of items (iterated to a fixpoint here), renaming by the ascending-TWU
 * total order, sorting transactions in the reverse-lexicographic order so that identical ones
 * are adjacent, and merging them (high-utility transaction merging at the top level).
 * The search over the result is efim-miner.ts; efim.ts describes the whole algorithm.
 */
import type { UtilityDatabase } from './database';
import type { ResolvedOptions } from './options';
import type { PreparedDatabase } from './efim-prepared-database';

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
