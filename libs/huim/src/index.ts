/**
 * @tessera/huim: high-utility itemset mining (EFIM-based) in pure TypeScript.
 * See README.md for definitions and the API.
 */
export { ItemDictionary, DatabaseBuilder, fromTransactions, toTransactions, compareKeys } from './database';
export type { ItemKey, UtilityDatabase, InputTransaction } from './database';
export { readSpmf, SpmfParseError, formatSpmfLine } from './spmf';
export type { MineOptions } from './options';
export { resolveMinUtility, minSupportCount } from './options';
export { mine, patternsOf } from './mine';
export type { Pattern, MineResult, MineStats, FlatItemsets } from './mine';
export { mineParallel, MiningPool } from './parallel';
export type { ParallelOptions } from './parallel';
export { MiningLimitError, estimateSearchBytes } from './efim';
export { lowerThreadPriority } from './thread-priority';
export { measure } from './measure';
export type { ItemsetLike } from './measure';
export { bruteForce } from './oracle/bruteforce';
export { huiMiner } from './oracle/huiminer';
export type { OracleItemset } from './oracle/huiminer';
