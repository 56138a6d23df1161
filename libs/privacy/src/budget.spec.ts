import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { canSpend, epsilonAfter, releasesRemaining, remainingRho, rhoCap, spentEpsilon } from './budget';
import { epsilonToRho, zcdpToEpsilon } from './zcdp';

const deltas = fc.constantFrom(1e-5, 1e-6, 1e-9);
const caps = fc.double({ min: 0.05, max: 20, noNaN: true });
const rhos = fc.double({ min: 0, max: 5, noNaN: true });

test('rhoCap is epsilonToRho; examples', () => {
  assert.equal(rhoCap(1, 1e-5), epsilonToRho(1, 1e-5));
  const cap = rhoCap(1, 1e-5);
  assert.ok(canSpend(0, 1, 1e-5, cap));
  assert.ok(!canSpend(0, 1, 1e-5, cap * 1.0001));
  assert.ok(canSpend(cap / 2, 1, 1e-5, cap / 2));
  assert.equal(remainingRho(cap * 2, 1, 1e-5), 0);
  assert.equal(spentEpsilon(0, 1e-5), 0);
  assert.equal(releasesRemaining(0, 1, 1e-5, cap / 10), 10);
  assert.equal(releasesRemaining(0, 1, 1e-5, 0), Infinity);
  assert.throws(() => canSpend(-1, 1, 1e-5, 0), /spentRho/);
  assert.throws(() => canSpend(0, 1, 1e-5, NaN), /requestRho/);
  assert.throws(() => canSpend(0, -1, 1e-5, 0), /capEpsilon/);
  assert.throws(() => canSpend(0, 1, 0, 0), /delta/);
});

test('property: canSpend ⇒ the composed ε stays within the cap', () => {
  fc.assert(
    fc.property(rhos, caps, deltas, rhos, (spent, cap, delta, req) => {
      if (canSpend(spent, cap, delta, req)) assert.ok(zcdpToEpsilon(spent + req, delta) <= cap * (1 + 1e-12));
      else assert.ok(epsilonAfter(spent, delta, req) > cap * (1 - 1e-9));
    }),
    { numRuns: 300 },
  );
});

test('property: canSpend is monotone (less spent or less requested never flips to refusal)', () => {
  fc.assert(
    fc.property(rhos, rhos, caps, deltas, rhos, rhos, (s1, s2, cap, delta, r1, r2) => {
      const [sLo, sHi] = s1 <= s2 ? [s1, s2] : [s2, s1];
      const [rLo, rHi] = r1 <= r2 ? [r1, r2] : [r2, r1];
      if (canSpend(sHi, cap, delta, rHi)) {
        assert.ok(canSpend(sLo, cap, delta, rHi));
        assert.ok(canSpend(sHi, cap, delta, rLo));
      }
    }),
    { numRuns: 300 },
  );
});

test('property: remainingRho is exactly the largest spendable amount', () => {
  fc.assert(
    fc.property(rhos, caps, deltas, (spent, cap, delta) => {
      const r = remainingRho(spent, cap, delta);
      assert.ok(r >= 0);
      // Over budget already: nothing remains and even a zero request is refused.
      if (spent > rhoCap(cap, delta)) return assert.ok(r === 0 && !canSpend(spent, cap, delta, 0));
      assert.ok(canSpend(spent, cap, delta, r));
      if (r > 0) assert.ok(!canSpend(spent, cap, delta, r + rhoCap(cap, delta) * 1e-12));
      else assert.ok(spent >= rhoCap(cap, delta) * (1 - 1e-15));
    }),
    { numRuns: 300 },
  );
});

test('property: releasesRemaining is consistent with repeated canSpend', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 0.5, noNaN: true }), caps, deltas, fc.double({ min: 1e-3, max: 1, noNaN: true }), (spent, cap, delta, per) => {
      const k = releasesRemaining(spent, cap, delta, per);
      assert.ok(Number.isInteger(k) && k >= 0);
      if (k > 0) assert.ok(canSpend(spent, cap, delta, k * per));
      else assert.ok(!canSpend(spent, cap, delta, per));
      assert.ok(!canSpend(spent, cap, delta, (k + 1) * per));
    }),
    { numRuns: 200 },
  );
});
