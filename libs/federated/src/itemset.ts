/**
 * Itemsets as they travel between stores and the hub: arrays of item keys written as strings
 * (a SKU, or an SPMF integer id in decimal). A canonical itemset has distinct items in
 * ascending UTF-16 code-unit order, so two stores that hold the same products produce the
 * same itemset whatever order their miners emitted them in.
 */
import type { ItemKey, UtilityDatabase } from '@tessera/huim';

/** An itemset: item keys as strings. */
export type Itemset = readonly string[];

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The canonical form of an itemset: items converted to strings, duplicates removed, sorted by
 * UTF-16 code units. Throws on an empty itemset or an item that is not a non-empty string or
 * a safe non-negative integer.
 */
export function canonicalItemset(items: readonly (string | number)[], where = 'itemset'): string[] {
  if (!Array.isArray(items) || items.length === 0) throw new RangeError(`${where}: an itemset needs at least one item`);
  const out = new Set<string>();
  for (const item of items) {
    if (typeof item === 'number') {
      if (!Number.isSafeInteger(item) || item < 0) throw new RangeError(`${where}: item ${item} is not a non-negative integer id`);
      out.add(String(item));
    } else if (typeof item === 'string' && item.length > 0) {
      out.add(item);
    } else {
      throw new RangeError(`${where}: items must be non-empty strings or integer ids, got ${JSON.stringify(item)}`);
    }
  }
  return [...out].sort(compareCodeUnits);
}

/** A string that identifies a canonical itemset (safe for items containing spaces or commas). */
export function itemsetKey(items: readonly (string | number)[]): string {
  return JSON.stringify(canonicalItemset(items));
}

/** Deterministic order on canonical itemsets: shorter first, then item by item. */
export function compareItemsets(a: Itemset, b: Itemset): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const c = compareCodeUnits(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * Dense id of an item key (given as a string) in a store's database: the string itself, or, for
 * databases read from SPMF files whose keys are numbers, the integer it spells. -1 if the store
 * never saw the item.
 */
export function denseItemId(db: UtilityDatabase, item: string): number {
  const direct = db.dictionary.idOf(item);
  if (direct >= 0) return direct;
  if (/^(0|[1-9]\d*)$/.test(item)) {
    const asNumber = Number(item);
    if (Number.isSafeInteger(asNumber)) return db.dictionary.idOf(asNumber as ItemKey);
  }
  return -1;
}
