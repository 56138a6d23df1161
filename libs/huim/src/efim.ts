/**
 * EFIM high-utility itemset mining engine, written from the paper:
 *
 *   S. Zida, P. Fournier-Viger, J. C.-W. Lin, C.-W. Wu, V. S. Tseng,
 *   "EFIM: a fast and memory efficient algorithm for high-utility itemset mining",
 *   Knowledge and Information Systems 51(2), 2017.
 *
 * From EFIM: TWU-based pruning of items and the ascending-TWU total order, database
 * projection (a projected transaction is a suffix of a transaction plus the utility
 * of the prefix), high-utility transaction merging of identical projected transactions
 * (transactions sorted in the reverse-lexicographic order so that identical projections
 * are adjacent), and the revised sub-tree utility (Primary items) and local utility
 * (Secondary items) upper bounds, both computed in one scan with utility-bin arrays.
 *
 * Beyond EFIM, for long and sparse baskets:
 *  - Instead of scanning the whole projected database once per extension item (EFIM
 *    scans alpha-D |Primary(alpha)| times), every node builds an item -> (transaction,
 *    position) index of alpha-D for its Primary items in a single scan (a pseudo-projection
 *    in the spirit of the "pattern growth with item-indexed projections" of d2HUP:
 *    J. Liu, K. Wang, B. C. M. Fung, "Direct discovery of high utility itemsets without
 *    candidate generation", ICDM 2012 / "Mining high utility patterns in one phase without
 *    generating candidates", TKDE 28(5), 2016). Projecting on item i then only touches
 *    the transactions that contain i, and never searches for i inside a transaction.
 *  - Compact projections: when few items of the scanned suffixes are still Secondary, the
 *    projected transactions are copied restricted to Secondary(beta) (in the spirit of the compact utility
 *    lists of HMiner: S. Krishnamoorthy, "HMiner: efficiently mining high utility
 *    itemsets", Expert Systems with Applications 90, 2017), and carry suffix sums of their
 *    utilities, so that the bins pass over them is a single loop.
 *  - TWU pruning is iterated to a fixpoint before the search.
 *  - No projected database is built at the last level allowed by maxLength, nor for a node
 *    without Primary items.
 *
 * Everything is stored in flat typed arrays: items as Int32Array, utilities as Float64Array
 * (integers, exact up to 2^53, so sums in merged transactions cannot overflow or drift).
 *
 * The code is in three parts: efim-prepare.ts (pruning, renaming, sorting, merging),
 * efim-miner.ts (the search) with efim-search-level.ts (the storage of one search level),
 * and efim-prepared-database.ts (what they exchange). This module is their entry point.
 */
export type { PreparedDatabase, RawItemsets, SearchStats, ThresholdShare } from './efim-prepared-database';
export { MiningLimitError, estimateSearchBytes, checkSearchBudget } from './efim-prepared-database';
export { chooseMerging, prepare } from './efim-prepare';
export { Miner } from './efim-miner';
