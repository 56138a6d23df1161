/** Single-threaded mining entry point and result assembly. */
import { compareKeys, ItemDictionary, ItemKey, UtilityDatabase } from './database';
import { checkSearchBudget, Miner, prepare, PreparedDatabase, RawItemsets } from './efim';
import { MineOptions, resolveOptions } from './options';

/** One high-utility itemset. */
export interface Pattern {
  /** External item keys, ascending (numbers numerically, then strings by code unit). */
  items: ItemKey[];
  /** Exact utility: sum over the transactions containing all items of the items' utilities. */
  utility: number;
  /** Number of transactions containing the itemset. */
  support: number;
  /** support / number of transactions. */
  supportRatio: number;
  /** All-confidence: support / max support of its single items (1 for a single item). */
  confidence: number;
}

export interface MineStats {
  transactions: number;
  items: number;
  /** Items left after TWU / support pruning. */
  keptItems: number;
  /** Absolute minimum utility used (top-k: the utility of the k-th itemset, or the initial threshold if fewer were found). */
  minUtility: number;
  /** Absolute minimum utility asked for (resolved from a percentage; top-k: the initial threshold). */
  requestedMinUtility: number;
  /** Whether the cap (`maxItemsets`) made the search raise its threshold above the one asked for. */
  thresholdRaised: boolean;
  /** The cap that applied (0: none). */
  maxItemsets: number;
  /** Minimum support count used. */
  minSupportCount: number;
  /** Candidate itemsets whose exact utility was computed. */
  candidates: number;
  /** Transactions merged away (top level + projections). */
  mergedTransactions: number;
  merging: boolean;
  threads: number;
  /** Wall time of the mining call in ms (excluding reading the input). */
  ms: number;
}

/**
 * The same itemsets in flat arrays, in the canonical order: itemset j has the dense ids
 * items[offsets[j] .. offsets[j+1]) (ascending by external key; map them with
 * dictionary.keyOf), utility[j], support[j] and confidence[j]. Cheap to produce and to
 * serialise; use it (with `patterns: false`) for very large results.
 */
export interface FlatItemsets {
  count: number;
  offsets: Int32Array;
  items: Int32Array;
  utility: Float64Array;
  support: Int32Array;
  confidence: Float64Array;
  nTransactions: number;
  dictionary: ItemDictionary;
}

export interface MineResult {
  /** The itemsets as objects (empty when the option `patterns` is false). */
  itemsets: Pattern[];
  /** The same itemsets as flat arrays (always filled). */
  flat: FlatItemsets;
  stats: MineStats;
}

/** Mine high-utility itemsets on the calling thread. */
export function mine(db: UtilityDatabase, options: MineOptions): MineResult {
  const t0 = performance.now();
  const opt = resolveOptions(db, options);
  const prepared = prepare(db, opt);
  checkSearchBudget(prepared);
  const miner = new Miner(prepared);
  const n = miner.taskCount;
  for (let k = 0; k < n; k++) {
    miner.runTask(k);
    if (options.onProgress) options.onProgress(k + 1, n);
  }
  const raw = miner.result();
  return assemble(db, prepared, [raw], { candidates: miner.stats.candidates, merged: miner.stats.merged, threshold: miner.minUtil }, 1, t0, options.patterns !== false);
}

/** Merge raw results (possibly from several threads), apply top-k, build sorted patterns. */
export function assemble(
  db: UtilityDatabase,
  prepared: PreparedDatabase,
  raws: RawItemsets[],
  counters: { candidates: number; merged: number; threshold?: number },
  threads: number,
  t0: number,
  wantPatterns = true,
): MineResult {
  // flatten
  let total = 0;
  for (const r of raws) total += r.count;
  const idxOf = new Int32Array(total); // index in its raw result
  const rawOf = new Int32Array(total); // which raw result
  {
    let w = 0;
    for (let k = 0; k < raws.length; k++) {
      for (let c = 0; c < raws[k].count; c++) {
        idxOf[w] = c;
        rawOf[w] = k;
        w++;
      }
    }
  }
  let minUtility = prepared.minUtil;
  let keep: number[] = [];
  if (prepared.topK > 0) {
    const us = new Float64Array(total);
    for (let x = 0; x < total; x++) us[x] = raws[rawOf[x]].utility[idxOf[x]];
    const sorted = us.slice().sort();
    if (total >= prepared.topK) minUtility = sorted[total - prepared.topK];
    for (let x = 0; x < total; x++) if (us[x] >= minUtility) keep.push(x);
  } else if (prepared.maxItemsets > 0) {
    // Capped: the threshold the searches reached is a lower bound of the exact cut, and every
    // itemset at or above it is here; the exact cut drops whole groups of equal utility, lowest
    // first, until the count and the items held are within their caps.
    const floor = Math.max(minUtility, counters.threshold ?? minUtility);
    const above: number[] = [];
    for (let x = 0; x < total; x++) if (raws[rawOf[x]].utility[idxOf[x]] >= floor) above.push(x);
    const utilityOf = (x: number) => raws[rawOf[x]].utility[idxOf[x]];
    const lengthOf = (x: number) => raws[rawOf[x]].offsets[idxOf[x] + 1] - raws[rawOf[x]].offsets[idxOf[x]];
    minUtility = cappedThreshold(above.map(utilityOf), above.map(lengthOf), prepared.maxItemsets, prepared.maxItemsetItems, floor);
    for (const x of above) if (utilityOf(x) >= minUtility) keep.push(x);
  } else {
    keep = Array.from({ length: total }, (_, x) => x);
  }

  // key order rank of every dense item, for sorting items and itemsets canonically
  const keys = db.dictionary.allKeys();
  const byKey = Array.from({ length: keys.length }, (_, d) => d).sort((a, b) => compareKeys(keys[a], keys[b]));
  const keyRank = new Int32Array(keys.length);
  for (let r = 0; r < byKey.length; r++) keyRank[byKey[r]] = r;

  const nT = db.nTransactions;
  const sup1 = db.itemSupport;
  const nKeep = keep.length;
  // flat copy of the kept itemsets with items replaced by their key rank, sorted per itemset
  const off = new Int32Array(nKeep + 1);
  for (let x = 0; x < nKeep; x++) {
    const g = keep[x];
    const r = raws[rawOf[g]];
    const c = idxOf[g];
    off[x + 1] = off[x] + (r.offsets[c + 1] - r.offsets[c]);
  }
  const flat = new Int32Array(off[nKeep]);
  const util = new Float64Array(nKeep);
  const supp = new Int32Array(nKeep);
  const conf = new Float64Array(nKeep);
  fillFlat(raws, keep, rawOf, idxOf, keyRank, sup1, off, flat, util, supp, conf);
  const order = canonicalOrder(util, off, flat);
  // flat result in canonical order
  const fOff = new Int32Array(nKeep + 1);
  const fItems = new Int32Array(flat.length);
  const fUtil = new Float64Array(nKeep);
  const fSup = new Int32Array(nKeep);
  const fConf = new Float64Array(nKeep);
  for (let x = 0, w = 0; x < nKeep; x++) {
    const o = order[x];
    for (let p = off[o]; p < off[o + 1]; p++) fItems[w++] = byKey[flat[p]];
    fOff[x + 1] = w;
    fUtil[x] = util[o];
    fSup[x] = supp[o];
    fConf[x] = conf[o];
  }
  const flatResult: FlatItemsets = {
    count: nKeep,
    offsets: fOff,
    items: fItems,
    utility: fUtil,
    support: fSup,
    confidence: fConf,
    nTransactions: nT,
    dictionary: db.dictionary,
  };
  const itemsets = wantPatterns ? patternsOf(flatResult) : [];
  return {
    itemsets,
    flat: flatResult,
    stats: {
      transactions: nT,
      items: db.nItems,
      keptItems: prepared.m,
      minUtility,
      requestedMinUtility: prepared.minUtil,
      thresholdRaised: prepared.topK === 0 && minUtility > prepared.minUtil,
      maxItemsets: prepared.maxItemsets,
      minSupportCount: prepared.minSup,
      candidates: counters.candidates,
      mergedTransactions: prepared.mergedTop + counters.merged,
      merging: prepared.merging,
      threads,
      ms: performance.now() - t0,
    },
  };
}

/**
 * The smallest threshold >= floor at which the itemsets with at least that utility number at
 * most maxItemsets and hold at most maxItems items (0: no item cap) in total.
 */
export function cappedThreshold(utilities: number[], lengths: number[], maxItemsets: number, maxItems: number, floor: number): number {
  const order = utilities.map((_, x) => x).sort((a, b) => utilities[b] - utilities[a]);
  const itemCap = maxItems > 0 ? maxItems : Infinity;
  let count = 0;
  let items = 0;
  for (let k = 0; k < order.length; ) {
    const u = utilities[order[k]];
    let e = k;
    let groupItems = 0;
    while (e < order.length && utilities[order[e]] === u) groupItems += lengths[order[e++]];
    if (count + (e - k) > maxItemsets || items + groupItems > itemCap) return Math.max(floor, u + 1);
    count += e - k;
    items += groupItems;
    k = e;
  }
  return floor;
}

function fillFlat(
  raws: RawItemsets[],
  keep: number[],
  rawOf: Int32Array,
  idxOf: Int32Array,
  keyRank: Int32Array,
  sup1: Int32Array,
  off: Int32Array,
  flat: Int32Array,
  util: Float64Array,
  supp: Int32Array,
  conf: Float64Array,
): number {
  for (let x = 0; x < keep.length; x++) {
    const g = keep[x];
    const r = raws[rawOf[g]];
    const c = idxOf[g];
    const s = r.offsets[c];
    const e = r.offsets[c + 1];
    const w = off[x];
    let maxSup = 0;
    for (let p = s; p < e; p++) {
      const d = r.items[p];
      // insertion sort by key rank (itemsets are short)
      const v = keyRank[d];
      let q = w + (p - s);
      while (q > w && flat[q - 1] > v) {
        flat[q] = flat[q - 1];
        q--;
      }
      flat[q] = v;
      if (sup1[d] > maxSup) maxSup = sup1[d];
    }
    util[x] = r.utility[c];
    supp[x] = r.support[c];
    conf[x] = maxSup > 0 ? r.support[c] / maxSup : 0;
  }
  return keep.length;
}

/**
 * Indices of the itemsets in canonical order: utility descending, then fewer items, then
 * item key ranks lexicographically. A native sort of packed (utility, index) keys does most
 * of the work; runs of equal utility are finished with a comparator.
 */
function canonicalOrder(util: Float64Array, off: Int32Array, flat: Int32Array): Int32Array {
  const n = util.length;
  const cmp = (a: number, b: number): number => {
    const du = util[b] - util[a];
    if (du !== 0) return du;
    const la = off[a + 1] - off[a];
    const lb = off[b + 1] - off[b];
    if (la !== lb) return la - lb;
    for (let j = 0; j < la; j++) {
      const d = flat[off[a] + j] - flat[off[b] + j];
      if (d !== 0) return d;
    }
    return 0;
  };
  let maxU = 0;
  for (let x = 0; x < n; x++) if (util[x] > maxU) maxU = util[x];
  let shift = 1;
  while (shift <= n) shift *= 2;
  const order = new Int32Array(n);
  if ((maxU + 1) * shift >= 2 ** 53) {
    const arr = Array.from({ length: n }, (_, x) => x).sort(cmp);
    order.set(arr);
    return order;
  }
  const keys = new Float64Array(n);
  for (let x = 0; x < n; x++) keys[x] = (maxU - util[x]) * shift + x;
  keys.sort();
  for (let x = 0; x < n; x++) order[x] = keys[x] % shift;
  // finish runs of equal utility
  let k = 0;
  while (k < n) {
    const u = util[order[k]];
    let e = k + 1;
    while (e < n && util[order[e]] === u) e++;
    if (e - k > 1) order.set(Array.from(order.subarray(k, e)).sort(cmp), k);
    k = e;
  }
  return order;
}

/** Pattern objects of a flat result. */
export function patternsOf(flat: FlatItemsets): Pattern[] {
  const keys = flat.dictionary.allKeys();
  const nT = flat.nTransactions;
  const out: Pattern[] = new Array(flat.count);
  for (let x = 0; x < flat.count; x++) {
    const s0 = flat.offsets[x];
    const len = flat.offsets[x + 1] - s0;
    const items: ItemKey[] = new Array(len);
    for (let j = 0; j < len; j++) items[j] = keys[flat.items[s0 + j]];
    const sup = flat.support[x];
    out[x] = { items, utility: flat.utility[x], support: sup, supportRatio: nT > 0 ? sup / nT : 0, confidence: flat.confidence[x] };
  }
  return out;
}
