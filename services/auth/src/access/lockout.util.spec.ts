import assert from 'node:assert/strict';
import { afterFailure, afterSuccess, lockDurationSeconds, lockedForSeconds, NO_FAILURES, type LockoutPolicy, type ThrottleState } from './lockout.util';

const policy: LockoutPolicy = { threshold: 3, baseSeconds: 30, maxSeconds: 300 };
const start = new Date('2025-01-01T00:00:00Z');
const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);

test('no lock below the threshold, then doubling up to the cap', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 50].map((f) => lockDurationSeconds(f, policy)), [0, 0, 30, 60, 120, 240, 300, 300, 300]);
});

test('failures engage the lock at the threshold; it releases when its time is up', () => {
  let state: ThrottleState = NO_FAILURES;
  state = afterFailure(state, at(0), policy);
  state = afterFailure(state, at(1), policy);
  assert.equal(lockedForSeconds(state, at(2)), 0, 'two failures: not locked');
  state = afterFailure(state, at(2), policy);
  assert.equal(state.failures, 3);
  assert.equal(lockedForSeconds(state, at(2)), 30);
  assert.equal(lockedForSeconds(state, at(31.5)), 1, 'rounded up');
  assert.equal(lockedForSeconds(state, at(32)), 0, 'released');
  state = afterFailure(state, at(40), policy);
  assert.equal(lockedForSeconds(state, at(40)), 60, 'a failure after release locks for twice as long');
});

test('a success clears the count', () => {
  let state = afterFailure(afterFailure(NO_FAILURES, at(0), policy), at(1), policy);
  state = afterSuccess();
  state = afterFailure(state, at(2), policy);
  assert.equal(state.failures, 1);
  assert.equal(state.lockedUntil, null);
});

test('failures a day apart do not add up', () => {
  let state = afterFailure(afterFailure(NO_FAILURES, at(0), policy), at(1), policy);
  state = afterFailure(state, at(25 * 3600), policy);
  assert.equal(state.failures, 1);
});
