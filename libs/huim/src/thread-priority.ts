/**
 * Lowers the scheduling priority of the calling thread only (Linux: setpriority on the thread's
 * id, read from /proc/thread-self; no privilege is needed to lower it). Mining threads run at a
 * higher niceness so that the event loop of the process they share keeps answering while they
 * use every core. Elsewhere (no /proc) it does nothing and says so.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export function lowerThreadPriority(niceness: number): boolean {
  if (!(niceness > 0)) return false;
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return false;
    setPriority(threadId, Math.min(19, Math.floor(niceness)));
    return true;
  } catch {
    return false;
  }
}
