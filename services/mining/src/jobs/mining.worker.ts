/**
 * Runs one mining job off the service's event loop. Terminating this worker (cancel)
 * also stops the threads the miner started.
 */
import { parentPort, workerData, type ResourceLimits } from 'node:worker_threads';
import { ItemDictionary, lowerThreadPriority, mineParallel, MiningLimitError, type UtilityDatabase } from '@tessera/huim';
import type { SerialisedDatabase } from './store-database';
import type { MineOptions } from '@tessera/huim';

interface WorkerInput {
  database: SerialisedDatabase;
  options: MineOptions;
  threads: number;
  /** The same heap limits for the threads the miner starts. */
  resourceLimits?: ResourceLimits;
  /** Niceness of this thread and the miner's threads (the service's event loop keeps priority). */
  niceness?: number;
}

async function main() {
  const { database, options, threads, resourceLimits, niceness } = workerData as WorkerInput;
  if (niceness) lowerThreadPriority(niceness);
  const db: UtilityDatabase = { ...database, dictionary: ItemDictionary.fromKeys(database.keys) };
  const result = await mineParallel(db, { ...options, threads, useMainThread: true, ...(resourceLimits ? { resourceLimits } : {}), ...(niceness ? { niceness } : {}) });
  parentPort!.postMessage({
    ok: true,
    itemsets: result.itemsets.map((p) => ({ items: p.items.map(String), utility: p.utility, support: p.support, supportRatio: p.supportRatio, confidence: p.confidence })),
    stats: result.stats,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  });
}

main().catch((error) => parentPort!.postMessage({ ok: false, error: error instanceof MiningLimitError ? error.message : (error as Error).message }));
