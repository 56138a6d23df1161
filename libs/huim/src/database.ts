/**
 * Flat, array-based transaction database for high-utility itemset mining.
 *
 * A database stores every transaction as a slice of two parallel flat arrays
 * (`items`: dense item ids, `utilities`: the item's utility in that transaction),
 * delimited by `offsets`. Dense ids are 0..nItems-1 and come from an
 * {@link ItemDictionary} that maps them to the caller's external keys
 * (SPMF integer ids or SKU strings). Nothing is ever sized by an external id.
 */

/** External item key: an SPMF integer id or a SKU string. */
export type ItemKey = string | number;

/** Two-way map between external item keys and dense ids 0..size-1. */
export class ItemDictionary {
  private readonly keys: ItemKey[] = [];
  private readonly ids = new Map<ItemKey, number>();

  /** Number of distinct items. */
  get size(): number {
    return this.keys.length;
  }

  /** Dense id of `key`, creating one if the key is new. */
  intern(key: ItemKey): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      this.ids.set(key, id);
    }
    return id;
  }

  /** Dense id of `key`, or -1 if unknown. */
  idOf(key: ItemKey): number {
    const id = this.ids.get(key);
    return id === undefined ? -1 : id;
  }

  /** External key of dense id `id`. */
  keyOf(id: number): ItemKey {
    if (id < 0 || id >= this.keys.length) throw new RangeError(`unknown dense item id ${id}`);
    return this.keys[id];
  }

  /** All keys, indexed by dense id (a copy). */
  allKeys(): ItemKey[] {
    return this.keys.slice();
  }

  /** Rebuild a dictionary from keys indexed by dense id (e.g. after a structured clone). */
  static fromKeys(keys: readonly ItemKey[]): ItemDictionary {
    const d = new ItemDictionary();
    for (const k of keys) {
      if (d.intern(k) !== d.size - 1) throw new Error(`duplicate item key ${String(k)}`);
    }
    return d;
  }
}

/**
 * Compare two external keys: numbers before strings, numbers numerically,
 * strings by UTF-16 code units. Used for canonical output order.
 */
export function compareKeys(a: ItemKey, b: ItemKey): number {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a - b;
    return -1;
  }
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A transaction database in flat arrays (read-only by convention). */
export interface UtilityDatabase {
  /** Number of transactions (empty transactions are kept and count for support). */
  readonly nTransactions: number;
  /** Number of distinct items (dense ids 0..nItems-1). */
  readonly nItems: number;
  /** Transaction t spans items/utilities [offsets[t], offsets[t+1]); length nTransactions+1. */
  readonly offsets: Int32Array;
  /** Dense item ids; no repeats inside a transaction (order: as given). */
  readonly items: Int32Array;
  /** Integer utility of each item occurrence (Float64: exact up to 2^53). */
  readonly utilities: Float64Array;
  /** Transaction utility (sum of its item utilities). */
  readonly transactionUtility: Float64Array;
  /** Number of transactions containing each dense item. */
  readonly itemSupport: Int32Array;
  /** Sum of all transaction utilities. */
  readonly totalUtility: number;
  /** Dense id <-> external key. */
  readonly dictionary: ItemDictionary;
}

/** One input transaction for {@link fromTransactions}. */
export interface InputTransaction {
  items: readonly ItemKey[];
  utilities: readonly number[];
}

function checkUtility(u: number, where: string): void {
  if (!Number.isSafeInteger(u) || u < 0) {
    throw new RangeError(`${where}: utility must be a non-negative integer below 2^53, got ${u}`);
  }
}

/**
 * Incremental builder of a {@link UtilityDatabase}. Items repeated inside one
 * transaction are merged (utilities summed). Utilities must be non-negative integers.
 * Dense ids are assigned in order of first appearance.
 */
export class DatabaseBuilder {
  readonly dictionary: ItemDictionary;
  private items = new Int32Array(1024);
  private utils = new Float64Array(1024);
  private offsets = new Int32Array(256);
  private n = 0;
  private len = 0;
  // scratch for one transaction
  private pairIds = new Int32Array(64);
  private pairUtils = new Float64Array(64);
  // duplicate detection: seen[id] === transaction number + 1 when id occurs in the current transaction
  private seen = new Int32Array(0);
  private seenPos = new Int32Array(0);

  constructor(dictionary: ItemDictionary = new ItemDictionary()) {
    this.dictionary = dictionary;
  }

  get transactionCount(): number {
    return this.n;
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need > this.items.length) {
      let cap = this.items.length * 2;
      while (cap < need) cap *= 2;
      const it = new Int32Array(cap);
      it.set(this.items.subarray(0, this.len));
      const ut = new Float64Array(cap);
      ut.set(this.utils.subarray(0, this.len));
      this.items = it;
      this.utils = ut;
    }
    if (this.n + 2 > this.offsets.length) {
      const o = new Int32Array(this.offsets.length * 2);
      o.set(this.offsets.subarray(0, this.n + 1));
      this.offsets = o;
    }
  }

  /** Add one transaction given as external keys and utilities. */
  add(items: readonly ItemKey[], utilities: readonly number[]): void {
    if (items.length !== utilities.length) {
      throw new RangeError(`transaction ${this.n + 1}: ${items.length} items but ${utilities.length} utilities`);
    }
    const k = items.length;
    if (k > this.pairIds.length) {
      this.pairIds = new Int32Array(k * 2);
      this.pairUtils = new Float64Array(k * 2);
    }
    for (let j = 0; j < k; j++) {
      const u = utilities[j];
      checkUtility(u, `transaction ${this.n + 1}`);
      this.pairIds[j] = this.dictionary.intern(items[j]);
      this.pairUtils[j] = u;
    }
    this.addDense(this.pairIds, this.pairUtils, k);
  }

  /**
   * Add one transaction given as dense ids (already interned in {@link dictionary})
   * and utilities; only the first `k` entries of the arrays are read. Items keep
   * their input order; a repeated item is merged into its first occurrence.
   */
  addDense(ids: ArrayLike<number>, utilities: ArrayLike<number>, k: number): void {
    this.ensure(k);
    const size = this.dictionary.size;
    if (size > this.seen.length) {
      let cap = Math.max(64, this.seen.length * 2);
      while (cap < size) cap *= 2;
      const s = new Int32Array(cap);
      s.set(this.seen);
      this.seen = s;
      const q = new Int32Array(cap);
      q.set(this.seenPos);
      this.seenPos = q;
    }
    const stamp = this.n + 1;
    const seen = this.seen;
    const seenPos = this.seenPos;
    const items = this.items;
    const utils = this.utils;
    let w = this.len;
    for (let j = 0; j < k; j++) {
      const id = ids[j];
      if (id < 0 || id >= size) throw new RangeError(`dense item id ${id} is not in the dictionary`);
      if (seen[id] === stamp) {
        utils[seenPos[id]] += utilities[j];
      } else {
        seen[id] = stamp;
        seenPos[id] = w;
        items[w] = id;
        utils[w] = utilities[j];
        w++;
      }
    }
    this.len = w;
    this.n++;
    this.offsets[this.n] = w;
  }

  /** Finish: compute transaction utilities, item supports and the total utility. */
  build(): UtilityDatabase {
    const n = this.n;
    const len = this.len;
    const items = this.items.slice(0, len);
    const utilities = this.utils.slice(0, len);
    const offsets = this.offsets.slice(0, n + 1);
    const nItems = this.dictionary.size;
    const transactionUtility = new Float64Array(n);
    const itemSupport = new Int32Array(nItems);
    let total = 0;
    for (let t = 0; t < n; t++) {
      let s = 0;
      for (let p = offsets[t], e = offsets[t + 1]; p < e; p++) {
        s += utilities[p];
        itemSupport[items[p]]++;
      }
      transactionUtility[t] = s;
      total += s;
    }
    if (!Number.isSafeInteger(total)) throw new RangeError(`total utility ${total} exceeds 2^53`);
    return { nTransactions: n, nItems, offsets, items, utilities, transactionUtility, itemSupport, totalUtility: total, dictionary: this.dictionary };
  }
}

/** Build a database from any iterable of `{ items, utilities }`. */
export function fromTransactions(transactions: Iterable<InputTransaction>, dictionary?: ItemDictionary): UtilityDatabase {
  const b = new DatabaseBuilder(dictionary);
  for (const t of transactions) b.add(t.items, t.utilities);
  return b.build();
}

/** The transactions of a database as plain objects with external keys (for tests and debugging). */
export function toTransactions(db: UtilityDatabase): InputTransaction[] {
  const out: InputTransaction[] = [];
  for (let t = 0; t < db.nTransactions; t++) {
    const items: ItemKey[] = [];
    const utilities: number[] = [];
    for (let p = db.offsets[t]; p < db.offsets[t + 1]; p++) {
      items.push(db.dictionary.keyOf(db.items[p]));
      utilities.push(db.utilities[p]);
    }
    out.push({ items, utilities });
  }
  return out;
}
