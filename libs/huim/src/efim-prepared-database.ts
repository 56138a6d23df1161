/**
 * What the two halves of EFIM (efim.ts) exchange: the prepared database that preparation
 * (efim-prepare.ts) hands to the search (efim-miner.ts), and what the search returns.
 */

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

export const MB = 1024 * 1024;

/** Bytes per arena slot (IT Int32 + UT Float64 + SU Float64) and per stored itemset (offset, utility, support). */
export const ARENA_SLOT_BYTES = 20;

export const OUTPUT_SLOT_BYTES = 16;

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

/** Receives the threshold used by a search and may raise it (top-k across threads). */
export interface ThresholdShare {
  /** Current global threshold (>= every local one). */
  read(): number;
  /** Publish a local threshold. */
  raise(v: number): void;
}
