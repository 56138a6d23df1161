import assert from 'node:assert/strict';
import { RateLimiter } from './rate-limiter';
import { MemoryWindowStore, type WindowStore } from './window-store';

test('the in-memory limiter holds a limit per key and lets the next window in', async () => {
  let now = 1_000_000 * 60_000; // the start of a window
  const limiter = new RateLimiter(new MemoryWindowStore(() => now), 60_000, undefined, undefined, () => now);
  const results = [];
  for (let i = 0; i < 7; i++) results.push((await limiter.check('user', 'u1', 5)).allowed);
  assert.deepEqual(results, [true, true, true, true, true, false, false]);
  assert.equal((await limiter.check('user', 'u2', 5)).allowed, true, 'another key has its own budget');
  assert.equal((await limiter.check('ip', 'u1', 5)).allowed, true, 'another scope has its own budget');
  now += 60_000 * 2 + 1; // two windows later nothing is left
  assert.equal((await limiter.check('user', 'u1', 5)).allowed, true);
  await limiter.close();
});

test('a failing counter store lets requests through (fails open) instead of failing them', async () => {
  const broken: WindowStore = { hit: () => Promise.reject(new Error('ECONNREFUSED')), close: async () => undefined };
  const limiter = new RateLimiter(broken, 60_000);
  for (let i = 0; i < 3; i++) assert.equal((await limiter.check('ip', '1.2.3.4', 1)).allowed, true);
});
