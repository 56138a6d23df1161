/** Worker thread of {@link MiningPool}: each job mines root branches taken from a shared counter. */
import { parentPort, workerData } from 'node:worker_threads';
import { Miner, MiningLimitError } from './efim';
import { drain, makeShare, WorkerInput, WorkerOutput } from './parallel';
import { lowerThreadPriority } from './thread-priority';

lowerThreadPriority((workerData as { niceness?: number } | null)?.niceness ?? 0);

const port = parentPort;
if (port) {
  port.on('message', (msg: { id: number; input: WorkerInput }) => {
    let out: WorkerOutput & { id: number };
    let transfer: ArrayBuffer[] = [];
    try {
      const input = msg.input;
      const miner = new Miner(input.prepared, makeShare(input.shared.threshold));
      drain(miner, input.order, input.shared.counter);
      const raw = miner.result();
      out = { id: msg.id, raw, candidates: miner.stats.candidates, merged: miner.stats.merged };
      transfer = [raw.offsets.buffer, raw.items.buffer, raw.utility.buffer, raw.support.buffer] as ArrayBuffer[];
    } catch (e) {
      Atomics.store(new Int32Array(msg.input.shared.counter), 0, msg.input.order.length); // stop the other threads early
      out = e instanceof MiningLimitError
        ? { id: msg.id, error: e.message, limit: { estimatedBytes: e.estimatedBytes, budgetBytes: e.budgetBytes } }
        : { id: msg.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    port.postMessage(out, transfer);
  });
}
