/**
 * What each transaction of one store contributes to each candidate itemset, before any
 * clipping: for transaction t and candidate c ⊆ t, the utility of c in t (the sum of the
 * utilities of c's items in t, the standard HUIM definition) and support 1.
 *
 * Stored sparsely by transaction (compressed rows), because a transaction contains few of the
 * candidates: rows[t]..rows[t+1] index `candidate` and `utility`. Built once per (database,
 * candidate list) by intersecting the items' ascending transaction-id lists, rarest first, and
 * cached, so that a calibration pass and a measurement pass on the same candidates share it.
 */
import type { UtilityDatabase } from '@tessera/huim';
import { denseItemId, Itemset } from './itemset';

export interface ContributionMatrix {
  readonly transactions: number;
  readonly candidates: number;
  /** Row t spans entries rows[t] .. rows[t+1]; length transactions + 1. */
  readonly rows: Int32Array;
  /** Candidate index of each entry (ascending within a row). */
  readonly candidate: Int32Array;
  /** Utility of the candidate in the transaction of each entry (exact integer). */
  readonly utility: Float64Array;
  /** Each transaction's own utility (all its items, candidates or not). */
  readonly transactionUtility: Float64Array;
}

interface ItemLists {
  start: Int32Array;
  transaction: Int32Array;
  utility: Float64Array;
}

const listCache = new WeakMap<UtilityDatabase, ItemLists>();
const matrixCache = new WeakMap<UtilityDatabase, Map<string, ContributionMatrix>>();

function itemLists(db: UtilityDatabase): ItemLists {
  const cached = listCache.get(db);
  if (cached) return cached;
  const start = new Int32Array(db.nItems + 1);
  for (let p = 0; p < db.items.length; p++) start[db.items[p] + 1]++;
  for (let d = 0; d < db.nItems; d++) start[d + 1] += start[d];
  const fill = start.slice(0, db.nItems);
  const transaction = new Int32Array(db.items.length);
  const utility = new Float64Array(db.items.length);
  for (let t = 0; t < db.nTransactions; t++) {
    for (let p = db.offsets[t], end = db.offsets[t + 1]; p < end; p++) {
      const q = fill[db.items[p]]++;
      transaction[q] = t;
      utility[q] = db.utilities[p];
    }
  }
  const lists = { start, transaction, utility };
  listCache.set(db, lists);
  return lists;
}

/**
 * The contribution matrix of `candidates` on `db` (cached per database and candidate list;
 * treat the result as read-only). Items the store never sold make a candidate absent from
 * every row.
 */
export function contributionMatrix(db: UtilityDatabase, candidates: readonly Itemset[]): ContributionMatrix {
  const cacheKey = JSON.stringify(candidates);
  let perDb = matrixCache.get(db);
  const hit = perDb?.get(cacheKey);
  if (hit) return hit;
  const { start, transaction, utility } = itemLists(db);
  // Per candidate: ascending transaction ids and utilities where it occurs.
  const occurrences: { transactions: Int32Array; utilities: Float64Array }[] = [];
  let total = 0;
  let scratchT = new Int32Array(0);
  let scratchU = new Float64Array(0);
  for (const items of candidates) {
    const ids = items.map((item) => denseItemId(db, item));
    if (ids.some((d) => d < 0)) {
      occurrences.push({ transactions: new Int32Array(0), utilities: new Float64Array(0) });
      continue;
    }
    ids.sort((a, b) => start[a + 1] - start[a] - (start[b + 1] - start[b]));
    const first = ids[0];
    let currentT = transaction.slice(start[first], start[first + 1]);
    let currentU = utility.slice(start[first], start[first + 1]);
    let length = currentT.length;
    for (let j = 1; j < ids.length && length > 0; j++) {
      const d = ids[j];
      if (scratchT.length < length) {
        scratchT = new Int32Array(length);
        scratchU = new Float64Array(length);
      }
      let p = start[d];
      const end = start[d + 1];
      let written = 0;
      for (let x = 0; x < length && p < end; x++) {
        const t = currentT[x];
        while (p < end && transaction[p] < t) p++;
        if (p < end && transaction[p] === t) {
          scratchT[written] = t;
          scratchU[written] = currentU[x] + utility[p];
          written++;
          p++;
        }
      }
      currentT = scratchT.slice(0, written);
      currentU = scratchU.slice(0, written);
      length = written;
    }
    occurrences.push({ transactions: currentT.subarray(0, length), utilities: currentU.subarray(0, length) });
    total += length;
  }
  // Transpose to rows (candidate indices come out ascending within each row).
  const rows = new Int32Array(db.nTransactions + 1);
  for (const o of occurrences) for (let x = 0; x < o.transactions.length; x++) rows[o.transactions[x] + 1]++;
  for (let t = 0; t < db.nTransactions; t++) rows[t + 1] += rows[t];
  const fill = rows.slice(0, db.nTransactions);
  const candidate = new Int32Array(total);
  const entryUtility = new Float64Array(total);
  occurrences.forEach((o, c) => {
    for (let x = 0; x < o.transactions.length; x++) {
      const q = fill[o.transactions[x]]++;
      candidate[q] = c;
      entryUtility[q] = o.utilities[x];
    }
  });
  const matrix: ContributionMatrix = {
    transactions: db.nTransactions,
    candidates: candidates.length,
    rows,
    candidate,
    utility: entryUtility,
    transactionUtility: db.transactionUtility,
  };
  if (!perDb) {
    perDb = new Map();
    matrixCache.set(db, perDb);
  }
  perDb.set(cacheKey, matrix);
  return matrix;
}

/** L2 norm of row t's utilities (overflow-safe for the magnitudes HUIM databases hold). */
export function rowUtilityNorm(matrix: ContributionMatrix, t: number): number {
  let sum = 0;
  for (let p = matrix.rows[t], end = matrix.rows[t + 1]; p < end; p++) sum += matrix.utility[p] * matrix.utility[p];
  return Math.sqrt(sum);
}
