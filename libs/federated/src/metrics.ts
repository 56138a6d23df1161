/**
 * Accuracy of a release against the exact, non-private result (EFIM on the union of the
 * stores' data). Definitions (docs/privacy-utility.md uses exactly these):
 *   E_k  the exact top-k itemsets (by exact utility);
 *   R_k  the first k published itemsets (by noisy utility), fewer if fewer were published;
 *   P    every published itemset.
 *   precision@k = |R_k ∩ E_k| / k       (slots of a top-k list left empty count as wrong, so a
 *                                         release cannot look precise by publishing little)
 *   recall@k    = |P ∩ E_k| / |E_k|     (found at all, at any rank)
 *   relative error of an itemset = |noisy utility - exact utility| / exact utility.
 */
import { itemsetKey } from './itemset';

export interface RankedItemset {
  items: readonly (string | number)[];
}

function keys(itemsets: readonly RankedItemset[], k?: number): string[] {
  return (k === undefined ? itemsets : itemsets.slice(0, k)).map((p) => itemsetKey(p.items));
}

/** Of the k slots of the released top-k list, the fraction holding an exact top-k itemset. */
export function precisionAtK(released: readonly RankedItemset[], exact: readonly RankedItemset[], k: number): number {
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const top = new Set(keys(exact, k));
  const slots = Math.min(k, top.size);
  if (slots === 0) return 1;
  return keys(released, k).filter((key) => top.has(key)).length / slots;
}

/** Fraction of the exact top k that were published at all. */
export function recallAtK(published: readonly RankedItemset[], exact: readonly RankedItemset[], k: number): number {
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  const top = keys(exact, k);
  if (top.length === 0) return 1;
  const all = new Set(keys(published));
  return top.filter((key) => all.has(key)).length / top.length;
}

/** Median of a list (NaN for an empty list). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Median relative utility error of released itemsets against their exact utilities
 * (`exactUtility` maps itemsetKey → exact utility; itemsets it lacks or with exact utility 0
 * are skipped). Only the first `limit` released itemsets count when `limit` is given.
 */
export function medianRelativeError(released: readonly (RankedItemset & { utility: number })[], exactUtility: ReadonlyMap<string, number>, limit?: number): number {
  const errors: number[] = [];
  for (const pattern of limit === undefined ? released : released.slice(0, limit)) {
    const exact = exactUtility.get(itemsetKey(pattern.items));
    if (exact === undefined || exact <= 0) continue;
    errors.push(Math.abs(pattern.utility - exact) / exact);
  }
  return median(errors);
}
