import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { floor, floorSqrt, fromNumber, isqrt, parseRational, rational, toNumber, toRational, compare } from './rational';
import { nextDown, nextUp, toNumberDown, toNumberUp } from './float';

test('doubles convert to their exact dyadic value', () => {
  assert.deepEqual(fromNumber(0.5), { num: 1n, den: 2n });
  assert.deepEqual(fromNumber(0.1), { num: 3602879701896397n, den: 36028797018963968n });
  assert.deepEqual(fromNumber(-3), { num: -3n, den: 1n });
  assert.deepEqual(fromNumber(2 ** 60), { num: 2n ** 60n, den: 1n });
  assert.deepEqual(fromNumber(Number.MIN_VALUE), { num: 1n, den: 2n ** 1074n });
  assert.deepEqual(fromNumber(-0), { num: 0n, den: 1n });
  assert.throws(() => fromNumber(NaN), /finite/);
  assert.throws(() => fromNumber(Infinity), /finite/);
});

test('property: fromNumber round-trips through toNumber', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      const r = fromNumber(x);
      assert.ok(r.den > 0n);
      assert.equal(toNumber(r), x === 0 ? 0 : x);
    }),
    { numRuns: 2000 },
  );
});

test('decimal and fraction strings are exact', () => {
  assert.deepEqual(parseRational('0.1'), { num: 1n, den: 10n });
  assert.deepEqual(parseRational('2.5e-3'), { num: 1n, den: 400n });
  assert.deepEqual(parseRational('-12'), { num: -12n, den: 1n });
  assert.deepEqual(parseRational('6/4'), { num: 3n, den: 2n });
  assert.deepEqual(parseRational('1E3'), { num: 1000n, den: 1n });
  assert.deepEqual(parseRational('.5'), { num: 1n, den: 2n });
  for (const bad of ['', 'abc', '1/0', '1.2.3', '0x10', '.', 'e5']) assert.throws(() => parseRational(bad), RangeError, bad);
  assert.deepEqual(toRational({ num: 4n, den: -6n }), { num: -2n, den: 3n });
  assert.deepEqual(toRational({ num: 4, den: 6 }), { num: 2n, den: 3n });
  assert.throws(() => rational(1n, 0n), /zero denominator/);
});

test('property: isqrt is the exact integer square root', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 2n ** 200n }), (n) => {
      const r = isqrt(n);
      assert.ok(r * r <= n && (r + 1n) * (r + 1n) > n);
    }),
    { numRuns: 2000 },
  );
});

test('floorSqrt and floor of rationals', () => {
  assert.equal(floorSqrt({ num: 1n, den: 4n }), 0n);
  assert.equal(floorSqrt({ num: 9n, den: 1n }), 3n);
  assert.equal(floorSqrt({ num: 99999999n, den: 100n }), 999n);
  assert.equal(floor({ num: -1n, den: 2n }), -1n);
  assert.equal(floor({ num: 7n, den: 2n }), 3n);
});

test('property: directed rounding brackets the exact value', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), fc.bigInt({ min: 1n, max: 2n ** 80n }), (a, b) => {
      const r = rational(a, b);
      const up = toNumberUp(r);
      const down = toNumberDown(r);
      assert.ok(compare(fromNumber(up), r) >= 0 && compare(fromNumber(nextDown(up)), r) < 0);
      assert.ok(compare(fromNumber(down), r) <= 0 && compare(fromNumber(nextUp(down)), r) > 0);
    }),
  );
});
