/**
 * Brute-force oracle for tests: enumerates every itemset occurring in at least one
 * transaction (all subsets of every transaction) and computes its utility and support
 * by scanning the whole database. Exponential: for small databases only.
 */
import { compareKeys, ItemKey, UtilityDatabase } from '../database';
import type { Pattern } from '../mine';
import { MineOptions, resolveOptions } from '../options';

export function bruteForce(db: UtilityDatabase, options: MineOptions): Pattern[] {
  const opt = resolveOptions(db, options);
  const seen = new Map<string, number[]>();
  for (let t = 0; t < db.nTransactions; t++) {
    const its = Array.from(db.items.subarray(db.offsets[t], db.offsets[t + 1])).sort((a, b) => a - b);
    if (its.length > 16) throw new Error('bruteForce: transaction too long');
    for (let mask = 1; mask < 1 << its.length; mask++) {
      const s: number[] = [];
      for (let j = 0; j < its.length; j++) if (mask & (1 << j)) s.push(its[j]);
      if (s.length > opt.maxLength) continue;
      seen.set(s.join(','), s);
    }
  }
  const all: { items: number[]; utility: number; support: number }[] = [];
  for (const s of seen.values()) {
    let utility = 0;
    let support = 0;
    for (let t = 0; t < db.nTransactions; t++) {
      const row = new Map<number, number>();
      for (let p = db.offsets[t]; p < db.offsets[t + 1]; p++) row.set(db.items[p], db.utilities[p]);
      if (s.every((i) => row.has(i))) {
        support++;
        for (const i of s) utility += row.get(i) as number;
      }
    }
    if (support >= opt.minSup) all.push({ items: s, utility, support });
  }
  let threshold = opt.minUtil;
  if (opt.topK > 0) {
    const us = all.map((x) => x.utility).filter((u) => u >= 1).sort((a, b) => b - a);
    threshold = us.length >= opt.topK ? us[opt.topK - 1] : 1;
  }
  const n = db.nTransactions;
  const out: Pattern[] = all
    .filter((x) => x.utility >= threshold)
    .map((x) => {
      const maxSup = Math.max(...x.items.map((i) => db.itemSupport[i]));
      const items: ItemKey[] = x.items.map((i) => db.dictionary.keyOf(i)).sort(compareKeys);
      return { items, utility: x.utility, support: x.support, supportRatio: x.support / n, confidence: x.support / maxSup };
    });
  out.sort((a, b) => b.utility - a.utility || a.items.length - b.items.length || cmpItems(a.items, b.items));
  return out;
}

function cmpItems(a: ItemKey[], b: ItemKey[]): number {
  for (let j = 0; j < a.length; j++) {
    const c = compareKeys(a[j], b[j]);
    if (c !== 0) return c;
  }
  return 0;
}
