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
