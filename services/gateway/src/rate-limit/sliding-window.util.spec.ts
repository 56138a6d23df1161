import assert from 'node:assert/strict';
import fc from 'fast-check';
import { slidingWindowDecision, windowPosition } from './sliding-window.util';

const W = 60_000;

test('without a previous window, the limit-th hit passes and the next is refused until the window rolls', () => {
  assert.deepEqual(slidingWindowDecision({ current: 10, previous: 0 }, 10, W, 5_000), { allowed: true, limit: 10, remaining: 0, retryAfterMs: 0 });
  const refused = slidingWindowDecision({ current: 11, previous: 0 }, 10, W, 5_000);
  assert.equal(refused.allowed, false);
  // 55 s to the end of this window, then the 11 hits must fade below 10: 1/11 of a window.
  assert.equal(refused.retryAfterMs, Math.ceil(55_000 + W / 11));
});

test("the previous window's hits count in proportion to their overlap", () => {
  assert.equal(slidingWindowDecision({ current: 1, previous: 20 }, 10, W, 0).allowed, false, 'all 20 still inside');
  assert.equal(slidingWindowDecision({ current: 1, previous: 20 }, 10, W, 45_000).allowed, true, 'a quarter of 20 is 5');
  const refused = slidingWindowDecision({ current: 5, previous: 20 }, 10, W, 30_000);
  assert.equal(refused.allowed, false); // 10 + 5
  assert.equal(refused.retryAfterMs, 15_000); // 20 * (30 - t)/60 + 5 <= 10  =>  t >= 15 s
});

test('window position', () => {
  assert.deepEqual(windowPosition(125_000, W), { index: 2, elapsedMs: 5_000 });
});

/** The estimate after waiting `wait` ms with no further hits, computed directly. */
function estimateAfter(current: number, previous: number, elapsed: number, wait: number): number {
  const t = elapsed + wait;
  if (t < W) return previous * ((W - t) / W) + current;
  if (t < 2 * W) return current * ((2 * W - t) / W);
  return 0;
}

test('property: after Retry-After the caller fits under the limit, and 1 s earlier it did not', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: W - 1 }), (limit, current, previous, elapsed) => {
      const decision = slidingWindowDecision({ current, previous }, limit, W, elapsed);
      const now = estimateAfter(current, previous, elapsed, 0);
      assert.equal(decision.allowed, now <= limit);
      if (decision.allowed) return;
      assert.ok(estimateAfter(current, previous, elapsed, decision.retryAfterMs) <= limit + 1e-9, 'fits after Retry-After');
      if (decision.retryAfterMs > 1000) assert.ok(estimateAfter(current, previous, elapsed, decision.retryAfterMs - 1000) > limit - 1e-9, 'not much earlier');
    }),
    { numRuns: 2000 },
  );
});
