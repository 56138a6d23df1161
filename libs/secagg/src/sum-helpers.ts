/** Shared assertion for the sum-correctness specs. */
import assert from 'node:assert/strict';
import { SimulationOptions, simulateRound } from './simulate';

export function checkRound(opts: SimulationOptions): void {
  const r = simulateRound(opts);
  assert.equal(r.error, undefined, r.error?.message);
  assert.ok(r.ok && r.result);
  assert.equal(r.correct, true, 'unmasked sum must equal the true sum of the contributors');
  // The contributors are exactly the clients that did not drop before sending their masked input.
  const droppedEarly = new Set([...r.dropped.beforeAdvertise, ...r.dropped.afterAdvertise, ...r.dropped.afterShareKeys]);
  assert.equal(r.result.contributors.length, opts.clients - droppedEarly.size - r.result.excluded.length);
  for (const id of r.result.contributors) assert.ok(!droppedEarly.has(id));
  assert.equal(r.clientErrors.size, 0, [...r.clientErrors.values()].map((e) => e.message).join('; '));
}
