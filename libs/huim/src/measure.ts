/**
 * Exact utility and support of given itemsets (used by the federated rounds to measure
 * candidate itemsets on a store's database).
 *
 * A vertical index (per item: ascending transaction ids and the item's utility in each)
 * is built once per database and cached. An itemset is measured by intersecting the
 * lists of its items, rarest first, with galloping search into the longer lists, and
 * summing the utilities on the common transactions. Cost per itemset ~ |rarest list| * log.
 */
import type { ItemKey, UtilityDatabase } from './database';
import type { Pattern } from './mine';

interface VerticalIndex {
  start: Int32Array; // item d: entries start[d] .. start[d+1]
  tids: Int32Array;
  utils: Float64Array;
}

const cache = new WeakMap<UtilityDatabase, VerticalIndex>();

function verticalIndex(db: UtilityDatabase): VerticalIndex {
  let v = cache.get(db);
  if (v) return v;
  const nItems = db.nItems;
  const start = new Int32Array(nItems + 1);
  for (let p = 0; p < db.items.length; p++) start[db.items[p] + 1]++;
  for (let d = 0; d < nItems; d++) start[d + 1] += start[d];
  const fill = start.slice(0, nItems);
  const tids = new Int32Array(db.items.length);
  const utils = new Float64Array(db.items.length);
  for (let t = 0; t < db.nTransactions; t++) {
    for (let p = db.offsets[t], e = db.offsets[t + 1]; p < e; p++) {
      const q = fill[db.items[p]]++;
      tids[q] = t;
      utils[q] = db.utilities[p];
    }
  }
  v = { start, tids, utils };
  cache.set(db, v);
  return v;
}

/** An itemset to measure: its external keys, or anything with an `items` field. */
export type ItemsetLike = readonly ItemKey[] | { readonly items: readonly ItemKey[] };

/** Measure every itemset exactly; the result has the same order as the input. */
export function measure(db: UtilityDatabase, itemsets: readonly ItemsetLike[]): Pattern[] {
  const v = verticalIndex(db);
  const { start, tids, utils } = v;
  const n = db.nTransactions;
  let maxList = 0;
  for (let d = 0; d < db.nItems; d++) maxList = Math.max(maxList, start[d + 1] - start[d]);
  let curT = new Int32Array(maxList);
  let curU = new Float64Array(maxList);
  let nxtT = new Int32Array(maxList);
  let nxtU = new Float64Array(maxList);
  const out: Pattern[] = new Array(itemsets.length);
  for (let x = 0; x < itemsets.length; x++) {
    const spec = itemsets[x];
    const keys: readonly ItemKey[] = Array.isArray(spec) ? (spec as readonly ItemKey[]) : (spec as { items: readonly ItemKey[] }).items;
    const uniq = Array.from(new Set(keys));
    const ids: number[] = [];
    let unknown = false;
    for (const k of uniq) {
      const d = db.dictionary.idOf(k);
      if (d < 0) unknown = true;
      else ids.push(d);
    }
    const items = keys.slice();
    if (unknown || ids.length === 0) {
      out[x] = { items, utility: 0, support: 0, supportRatio: 0, confidence: 0 };
      continue;
    }
    ids.sort((a, b) => start[a + 1] - start[a] - (start[b + 1] - start[b]));
    let maxSup = 0;
    for (const d of ids) maxSup = Math.max(maxSup, start[d + 1] - start[d]);
    // rarest list
    const d0 = ids[0];
    let len = start[d0 + 1] - start[d0];
    curT.set(tids.subarray(start[d0], start[d0 + 1]));
    curU.set(utils.subarray(start[d0], start[d0 + 1]));
    for (let k = 1; k < ids.length && len > 0; k++) {
      const d = ids[k];
      let lo = start[d];
      const hi = start[d + 1];
      let w = 0;
      for (let j = 0; j < len && lo < hi; j++) {
        const t = curT[j];
        // gallop: find first position >= t in tids[lo, hi)
        if (tids[lo] < t) {
          let step = 1;
          let prev = lo;
          let probe = lo + 1;
          while (probe < hi && tids[probe] < t) {
            prev = probe;
            step <<= 1;
            probe = lo + step;
          }
          let a = prev + 1;
          let b = probe < hi ? probe : hi;
          while (a < b) {
            const mid = (a + b) >>> 1;
            if (tids[mid] < t) a = mid + 1;
            else b = mid;
          }
          lo = a;
          if (lo >= hi) break;
        }
        if (tids[lo] === t) {
          nxtT[w] = t;
          nxtU[w] = curU[j] + utils[lo];
          w++;
          lo++;
        }
      }
      const tt = curT;
      curT = nxtT;
      nxtT = tt;
      const tu = curU;
      curU = nxtU;
      nxtU = tu;
      len = w;
    }
    let utility = 0;
    for (let j = 0; j < len; j++) utility += curU[j];
    out[x] = { items, utility, support: len, supportRatio: n > 0 ? len / n : 0, confidence: maxSup > 0 ? len / maxSup : 0 };
  }
  return out;
}
