/**
 * Multi-threaded mining: the search tree is split by first-level branches (the root
 * Primary items). Branches are handed out on demand from a shared atomic counter over a
 * list sorted by estimated work, largest first (dynamic load balancing). In top-k mode the
 * threads share the rising threshold through shared memory. Results are merged and sorted
 * canonically, so they are identical to a single-threaded run.
 */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { UtilityDatabase } from './database';
import type { ResourceLimits } from 'node:worker_threads';
import { checkSearchBudget, Miner, MiningLimitError, prepare, PreparedDatabase, RawItemsets, ThresholdShare } from './efim';
import { assemble, MineResult } from './mine';
import { MineOptions, resolveOptions } from './options';

export interface ParallelOptions extends MineOptions {
  /** Number of mining threads (default: os.availableParallelism()). */
  threads?: number;
  /**
   * Whether the calling thread mines too (default true: `threads - 1` workers are started).
   * With false, `threads` workers are started and the event loop stays free while mining.
   */
  useMainThread?: boolean;
  /** Workers to use (see {@link MiningPool}); by default a pool is started and closed per call. */
  pool?: MiningPool;
  /** Heap limits of the worker threads this call starts (ignored with `pool`). */
  resourceLimits?: ResourceLimits;
  /** Niceness (1..19, Linux) of the worker threads this call starts, so the event loop keeps priority (ignored with `pool`). */
  niceness?: number;
}

/** Shared state between the threads of one mining run. */
export interface SharedState {
  counter: SharedArrayBuffer; // Int32 [next task]
  threshold: SharedArrayBuffer; // BigInt64 [threshold]
}

export function makeShare(buf: SharedArrayBuffer): ThresholdShare {
  const a = new BigInt64Array(buf);
  return {
    read: () => Number(Atomics.load(a, 0)),
    raise: (v: number) => {
      const nv = BigInt(Math.floor(v));
      for (;;) {
        const cur = Atomics.load(a, 0);
        if (cur >= nv) return;
        if (Atomics.compareExchange(a, 0, cur, nv) === cur) return;
      }
    },
  };
}

/** Run tasks from the shared counter until none is left. */
export function drain(miner: Miner, order: Int32Array, counter: SharedArrayBuffer, onProgress?: (done: number, total: number) => void): void {
  const c = new Int32Array(counter);
  const n = order.length;
  for (;;) {
    const k = Atomics.add(c, 0, 1);
    if (k >= n) return;
    miner.runTask(order[k]);
    // branches handed out so far, minus the ones the other threads may still be running
    if (onProgress) onProgress(Math.max(k + 1, Math.min(n, Atomics.load(c, 0)) - 1), n);
  }
}

export interface WorkerInput {
  prepared: PreparedDatabase;
  order: Int32Array;
  shared: SharedState;
}

export interface WorkerOutput {
  raw?: RawItemsets;
  candidates?: number;
  merged?: number;
  error?: string;
  /** Set when the error is a {@link MiningLimitError}. */
  limit?: { estimatedBytes: number; budgetBytes: number };
}

/**
 * A set of mining worker threads that can be started ahead of time (e.g. while the input is
 * still being read, so that thread start-up overlaps with I/O) and reused across runs.
 * Idle workers do not keep the process alive. Call close() when done.
 */
export class MiningPool {
  private readonly workers: Worker[] = [];
  private nextJob = 1;
  private closed = false;

  constructor(size: number, resourceLimits?: ResourceLimits, niceness = 0) {
    const workerFile = path.join(__dirname, 'worker.js');
    for (let w = 0; w < size; w++) {
      const worker = new Worker(workerFile, { ...(resourceLimits ? { resourceLimits } : {}), workerData: { niceness } });
      worker.unref();
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Run one job on each of the first n workers. */
  run(n: number, input: WorkerInput): Promise<WorkerOutput>[] {
    if (this.closed) throw new Error('MiningPool is closed');
    const out: Promise<WorkerOutput>[] = [];
    for (let w = 0; w < Math.min(n, this.workers.length); w++) {
      const worker = this.workers[w];
      const id = this.nextJob++;
      out.push(
        new Promise<WorkerOutput>((resolve, reject) => {
          const onMessage = (msg: WorkerOutput & { id: number }) => {
            if (msg.id !== id) return;
            cleanup();
            if (msg.limit) reject(new MiningLimitError(msg.error ?? 'mining worker over its memory budget', msg.limit.estimatedBytes, msg.limit.budgetBytes));
            else if (msg.error) reject(new Error(`mining worker failed: ${msg.error}`));
            else resolve(msg);
          };
          const onError = (err: Error & { code?: string }) => {
            cleanup();
            if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') reject(new MiningLimitError(`a mining thread ran out of its heap limit: ${err.message}`, 0, 0));
            else reject(err);
          };
          const onExit = (code: number) => {
            cleanup();
            reject(new Error(`mining worker exited with code ${code}`));
          };
          const cleanup = () => {
            worker.off('message', onMessage);
            worker.off('error', onError);
            worker.off('exit', onExit);
            worker.unref();
          };
          worker.ref();
          worker.on('message', onMessage);
          worker.once('error', onError);
          worker.once('exit', onExit);
          worker.postMessage({ id, input });
        }),
      );
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Mine with several threads; resolves to the same result as {@link mine} (apart from stats). */
export async function mineParallel(db: UtilityDatabase, options: ParallelOptions): Promise<MineResult> {
  const t0 = performance.now();
  const threads = Math.max(1, Math.floor(options.threads ?? options.pool?.size ?? availableParallelism()));
  const useMain = options.useMainThread ?? true;
  const wanted = useMain ? threads - 1 : threads;
  // start the workers first: their start-up overlaps with the preparation below
  const ownPool = options.pool === undefined && wanted > 0 ? new MiningPool(wanted, options.resourceLimits, options.niceness) : undefined;
  const pool = options.pool ?? ownPool;
  try {
    const opt = resolveOptions(db, options);
    // the budget is for the whole call: each thread gets its share
    if (opt.memoryBudgetBytes > 0) opt.memoryBudgetBytes = Math.floor(opt.memoryBudgetBytes / threads);
    const prepared = prepare(db, opt);
    checkSearchBudget(prepared);
    const shared: SharedState = { counter: new SharedArrayBuffer(4), threshold: new SharedArrayBuffer(8) };
    const share = makeShare(shared.threshold);
    share.raise(prepared.minUtil);
    const mainMiner = new Miner(prepared, share);
    const nTasks = mainMiner.taskCount;
    const work = mainMiner.rootWork;
    const order = Int32Array.from({ length: nTasks }, (_, k) => k).sort((a, b) => work[b] - work[a] || a - b);
    const nWorkers = pool ? Math.min(wanted, pool.size, Math.max(0, nTasks - (useMain ? 1 : 0))) : 0;
    const pending = pool && nWorkers > 0 ? pool.run(nWorkers, { prepared, order, shared }) : [];
    let mainFailed: unknown;
    if (useMain || nWorkers === 0) {
      try {
        drain(mainMiner, order, shared.counter, options.onProgress);
      } catch (e) {
        mainFailed = e;
        Atomics.store(new Int32Array(shared.counter), 0, nTasks); // stop the workers early
      }
    }
    const outs = await Promise.all(pending);
    if (mainFailed) throw mainFailed;
    const raws: RawItemsets[] = [mainMiner.result()];
    let candidates = mainMiner.stats.candidates;
    let merged = mainMiner.stats.merged;
    for (const o of outs) {
      raws.push(o.raw as RawItemsets);
      candidates += o.candidates ?? 0;
      merged += o.merged ?? 0;
    }
    return assemble(db, prepared, raws, { candidates, merged, threshold: share.read() }, (useMain || nWorkers === 0 ? 1 : 0) + nWorkers, t0, options.patterns !== false);
  } finally {
    if (ownPool) await ownPool.close();
  }
}
