import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { clipAndQuantize, dequantize, quantizationBound } from './contribution';
import { seededRandomSource } from './random';

function sq(v: number[]): bigint {
  return v.reduce((s, x) => s + BigInt(x) * BigInt(x), 0n);
}

test('declared bounds: c·s + √d/2 (nearest), c·s + √d (stochastic)', () => {
  const n = quantizationBound({ l2Clip: 1, scale: 100, dimension: 16, rounding: 'nearest' });
  assert.equal(n.l2SquaredBound, 10404n); // (100 + 2)²
  assert.equal(n.l2Sensitivity, 102);
  assert.equal(n.l1Sensitivity, Math.min(Math.sqrt(16 * 10404), 10404));
  const s = quantizationBound({ l2Clip: 1, scale: 100, dimension: 16 });
  assert.equal(s.l2SquaredBound, 10816n); // (100 + 4)²
  const t = quantizationBound({ l2Clip: 1, scale: 100, dimension: 16, l2Bound: 101 });
  assert.equal(t.l2SquaredBound, 10201n);
  assert.throws(() => quantizationBound({ l2Clip: 1, scale: 100, dimension: 16, l2Bound: 99 }), /l2Bound/);
  assert.throws(() => quantizationBound({ l2Clip: 0, scale: 1, dimension: 1 }), /l2Clip/);
  assert.throws(() => quantizationBound({ l2Clip: 1, scale: 1, dimension: 0 }), /dimension/);
  assert.throws(() => quantizationBound({ l2Clip: 1, scale: 1, dimension: 1, rounding: 'up' as never }), /rounding/);
});

const vec = (d: number) => fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: d, maxLength: d });

test('property: every quantized record satisfies the declared bound exactly (all modes)', () => {
  const rng = seededRandomSource('c1');
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }).chain((d) => fc.tuple(fc.constant(d), vec(d))),
      fc.double({ min: 0.01, max: 100, noNaN: true }),
      fc.constantFrom(1, 16, 1000, 2 ** 20),
      fc.constantFrom<'nearest' | 'stochastic' | 'conditional'>('nearest', 'stochastic', 'conditional'),
      ([d, x], l2Clip, scale, mode) => {
        const params =
          mode === 'conditional'
            ? { l2Clip, scale, dimension: d, rounding: 'stochastic' as const, l2Bound: l2Clip * scale + 0.25 * Math.sqrt(d) }
            : { l2Clip, scale, dimension: d, rounding: mode };
        const r = clipAndQuantize(x, params, { rng });
        assert.equal(r.values.length, d);
        assert.ok(r.values.every(Number.isSafeInteger));
        assert.ok(sq(r.values) <= r.bound.l2SquaredBound, `Σv²=${sq(r.values)} > ${r.bound.l2SquaredBound}`);
        assert.ok(r.values.reduce((s, v) => s + Math.abs(v), 0) <= r.bound.l1Sensitivity);
      },
    ),
    { numRuns: 400 },
  );
});

test('clipping scales long vectors to the clip norm; short vectors are untouched', () => {
  const long = clipAndQuantize([3, 4], { l2Clip: 1, scale: 1000, dimension: 2, rounding: 'nearest' });
  assert.ok(long.clipped);
  assert.equal(long.inputNorm, 5);
  assert.deepEqual(long.values, [600, 800]);
  const short = clipAndQuantize([0.3, -0.4], { l2Clip: 1, scale: 10, dimension: 2, rounding: 'nearest' });
  assert.ok(!short.clipped);
  assert.deepEqual(short.values, [3, -4]);
  assert.deepEqual(dequantize(short.values, 10), [0.3, -0.4]);
});

test('stochastic rounding is unbiased', () => {
  const rng = seededRandomSource('c2');
  const x = [0.123, -0.777, 0.5];
  const n = 20_000;
  const sums = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const r = clipAndQuantize(x, { l2Clip: 10, scale: 1, dimension: 3 }, { rng });
    r.values.forEach((v, j) => (sums[j] += v));
  }
  x.forEach((xi, j) => assert.ok(Math.abs(sums[j] / n - xi) < 5 * Math.sqrt(0.25 / n), `coordinate ${j}: ${sums[j] / n}`));
});

test('nearest rounding is deterministic; stochastic is reproducible with a seed', () => {
  const x = [0.31, 0.52, -0.77];
  const p = { l2Clip: 1, scale: 10, dimension: 3 };
  assert.deepEqual(clipAndQuantize(x, { ...p, rounding: 'nearest' }).values, [3, 5, -8]);
  assert.deepEqual(clipAndQuantize(x, p, { seed: '55' }).values, clipAndQuantize(x, p, { seed: '55' }).values);
});

test('a tight conditional bound is enforced (resampling, then shrinking if needed)', () => {
  // All-½ coordinates: nearest rounding would give norm √d·1 > bound; the enforcement must kick in.
  const d = 64;
  const x = new Array(d).fill(0.5 / Math.sqrt(d)); // norm 0.5
  const r = clipAndQuantize(x, { l2Clip: 0.5, scale: Math.sqrt(d), dimension: d, rounding: 'nearest', l2Bound: 4 });
  assert.ok(r.enforced);
  assert.ok(sq(r.values) <= 16n);
  assert.throws(() => clipAndQuantize([1, 2], { l2Clip: 1, scale: 1, dimension: 3 }), /length 3/);
  assert.throws(() => clipAndQuantize([NaN], { l2Clip: 1, scale: 1, dimension: 1 }), /finite/);
});
