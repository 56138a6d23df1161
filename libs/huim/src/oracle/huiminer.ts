/**
 * Independent reference miner: HUI-Miner with utility lists, written from
 *   M. Liu, J. Qu, "Mining high utility itemsets without candidate generation", CIKM 2012.
 * plus the EUCS pair pruning of FHM (P. Fournier-Viger, C.-W. Wu, S. Zida, V. S. Tseng,
 * "FHM: faster high-utility itemset mining using estimated utility co-occurrence pruning",
 * ISMIS 2014): X + {y} is not built when TWU({x_last, y}) < minUtil.
 * Deliberately simple (no transaction merging, no projections, no shared code with the
 * EFIM engine beyond option parsing) so that it can serve as an oracle on real datasets.
 */
import type { UtilityDatabase } from '../database';
import { resolveOptions } from '../options';

interface UtilityList {
  item: number;
  tids: Int32Array;
  iutil: Float64Array;
  rutil: Float64Array;
  sumI: number;
  sumR: number;
}

export interface OracleItemset {
  /** Dense item ids, ascending. */
  items: number[];
  utility: number;
  support: number;
}

/** Mine all itemsets with utility >= minUtility (abs or 'P%'), with optional minSupport and maxLength. */
export function huiMiner(db: UtilityDatabase, options: { minUtility: number | string; minSupport?: number; maxLength?: number }): OracleItemset[] {
  const opt = resolveOptions(db, { minUtility: options.minUtility, minSupport: options.minSupport, maxLength: options.maxLength });
  const minUtil = opt.minUtil;
  const minSup = opt.minSup;
  const maxLen = opt.maxLength;
  const nItems = db.nItems;
  const twu = new Array<number>(nItems).fill(0);
  const sup = new Array<number>(nItems).fill(0);
  for (let t = 0; t < db.nTransactions; t++) {
    for (let p = db.offsets[t]; p < db.offsets[t + 1]; p++) {
      twu[db.items[p]] += db.transactionUtility[t];
      sup[db.items[p]]++;
    }
  }
  const promising: number[] = [];
  for (let i = 0; i < nItems; i++) if (twu[i] >= minUtil && sup[i] >= minSup && sup[i] > 0) promising.push(i);
  promising.sort((a, b) => twu[a] - twu[b] || a - b);
  const pos = new Map<number, number>();
  promising.forEach((item, k) => pos.set(item, k));

  // EUCS: TWU of every pair of promising items (by position in the TWU order).
  const m = promising.length;
  const eucs = new Float64Array(m * m);
  // Build the 1-item utility lists from revised transactions.
  const lists: { tids: number[]; iutil: number[]; rutil: number[] }[] = promising.map(() => ({ tids: [], iutil: [], rutil: [] }));
  for (let t = 0; t < db.nTransactions; t++) {
    const entries: [number, number][] = [];
    for (let p = db.offsets[t]; p < db.offsets[t + 1]; p++) {
      const k = pos.get(db.items[p]);
      if (k !== undefined) entries.push([k, db.utilities[p]]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    let remaining = 0;
    for (const e of entries) remaining += e[1];
    const tu = remaining;
    for (let x = 0; x < entries.length; x++) {
      for (let y = x + 1; y < entries.length; y++) eucs[entries[x][0] * m + entries[y][0]] += tu;
    }
    for (const [k, u] of entries) {
      remaining -= u;
      lists[k].tids.push(t);
      lists[k].iutil.push(u);
      lists[k].rutil.push(remaining);
    }
  }
  const ul1: UtilityList[] = lists.map((l, k) => makeList(promising[k], l.tids, l.iutil, l.rutil));

  const out: OracleItemset[] = [];
  const prefix: number[] = [];
  const search = (P: UtilityList | null, exts: UtilityList[]): void => {
    for (let x = 0; x < exts.length; x++) {
      const X = exts[x];
      if (X.tids.length < minSup) continue;
      prefix.push(X.item);
      if (X.sumI >= minUtil) out.push({ items: prefix.slice().sort((a, b) => a - b), utility: X.sumI, support: X.tids.length });
      if (X.sumI + X.sumR >= minUtil && prefix.length < maxLen) {
        const next: UtilityList[] = [];
        const px = pos.get(X.item) as number;
        for (let y = x + 1; y < exts.length; y++) {
          if (eucs[px * m + (pos.get(exts[y].item) as number)] < minUtil) continue;
          const Z = join(P, X, exts[y]);
          if (Z.tids.length > 0) next.push(Z);
        }
        search(X, next);
      }
      prefix.pop();
    }
  };
  search(null, ul1);
  return out;
}

function makeList(item: number, tids: number[], iutil: number[], rutil: number[]): UtilityList {
  let sumI = 0;
  let sumR = 0;
  for (const v of iutil) sumI += v;
  for (const v of rutil) sumR += v;
  return { item, tids: Int32Array.from(tids), iutil: Float64Array.from(iutil), rutil: Float64Array.from(rutil), sumI, sumR };
}

/** Utility list of P + {x} + {y} from those of P, P + {x} and P + {y} (tid-ordered merge join). */
function join(P: UtilityList | null, X: UtilityList, Y: UtilityList): UtilityList {
  const cap = Math.min(X.tids.length, Y.tids.length);
  const tids = new Int32Array(cap);
  const iutil = new Float64Array(cap);
  const rutil = new Float64Array(cap);
  let n = 0;
  let sumI = 0;
  let sumR = 0;
  let a = 0;
  let b = 0;
  let c = 0;
  while (a < X.tids.length && b < Y.tids.length) {
    const ta = X.tids[a];
    const tb = Y.tids[b];
    if (ta < tb) a++;
    else if (tb < ta) b++;
    else {
      let u = X.iutil[a] + Y.iutil[b];
      if (P) {
        while (P.tids[c] < ta) c++;
        u -= P.iutil[c];
      }
      tids[n] = ta;
      iutil[n] = u;
      rutil[n] = Y.rutil[b];
      sumI += u;
      sumR += Y.rutil[b];
      n++;
      a++;
      b++;
    }
  }
  return { item: Y.item, tids: tids.subarray(0, n), iutil: iutil.subarray(0, n), rutil: rutil.subarray(0, n), sumI, sumR };
}
