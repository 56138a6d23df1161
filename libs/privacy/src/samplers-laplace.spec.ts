import * as assert from 'node:assert/strict';
import { DiscreteLaplaceSampler, sampleDiscreteLaplace } from './samplers';
import { discreteLaplacePmf, discreteLaplaceVariance } from './distributions';
import { chiSquareIntegers, meanAndVariance } from './testing/stats';

const N = 1_000_000;
const SEED = '1a91ace0';

function draws(sampler: DiscreteLaplaceSampler, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = sampler.next();
  return out;
}

for (const [label, scale, b] of [
  ['0.5', 0.5, 0.5],
  ['1', 1, 1],
  ['7/3', '7/3', 7 / 3],
  ['20', 20, 20],
] as const) {
  test(`discrete Laplace b=${label}: chi-square on 10^6 draws, mean and variance`, () => {
    const xs = draws(new DiscreteLaplaceSampler(scale, { seed: SEED }), N);
    const chi = chiSquareIntegers(xs, (k) => discreteLaplacePmf(b, k));
    assert.ok(chi.pValue > 1e-3, `stat=${chi.stat.toFixed(1)} df=${chi.df} p=${chi.pValue}`);
    const { mean, variance } = meanAndVariance(xs);
    const v = discreteLaplaceVariance(b);
    assert.ok(Math.abs(mean) < 5 * Math.sqrt(v / N), `mean ${mean}`);
    // Var of the sample variance: (μ4 - σ⁴)/N with μ4 from the pmf.
    let m4 = 0;
    for (let k = 1; k < 200 * b + 50; k++) m4 += 2 * k ** 4 * discreteLaplacePmf(b, k);
    assert.ok(Math.abs(variance - v) < 5 * Math.sqrt((m4 - v * v) / N), `variance ${variance} vs ${v}`);
  });
}

test('the chi-square test has power: b=1 draws are rejected against the b=1.03 pmf', () => {
  const xs = draws(new DiscreteLaplaceSampler(1, { seed: SEED }), N);
  assert.ok(chiSquareIntegers(xs, (k) => discreteLaplacePmf(1.03, k)).pValue < 1e-6);
});

test('bigint path: scale 0.3 as a double (denominator 2^54) matches the pmf', () => {
  const s = new DiscreteLaplaceSampler(0.3, { seed: SEED });
  assert.ok(s.scale.den > 2n ** 53n);
  const xs = draws(s, 200_000);
  assert.ok(chiSquareIntegers(xs, (k) => discreteLaplacePmf(0.3, k)).pValue > 1e-3);
});

test('number and bigint arithmetic give identical samples', () => {
  for (const scale of [0.5, 3, '7/3', 1000]) {
    const a = new DiscreteLaplaceSampler(scale, { seed: 'cd' }).sample(20_000);
    const b = new DiscreteLaplaceSampler(scale, { seed: 'cd', arithmetic: 'bigint' }).sampleBigInt(20_000);
    assert.deepEqual(a, b.map(Number));
  }
});

test('deterministic for a seed; CSPRNG by default', () => {
  assert.deepEqual(sampleDiscreteLaplace(2, 50, { seed: '0f' }), sampleDiscreteLaplace(2, 50, { seed: '0f' }));
  assert.notDeepEqual(sampleDiscreteLaplace(2, 50, { seed: '0f' }), sampleDiscreteLaplace(2, 50, { seed: '10' }));
  assert.equal(new DiscreteLaplaceSampler(2).randomSource.kind, 'crypto');
});

test('scale validation', () => {
  assert.throws(() => new DiscreteLaplaceSampler(0), /scale must be > 0/);
  assert.throws(() => new DiscreteLaplaceSampler('-1/2'), /scale must be > 0/);
  assert.throws(() => new DiscreteLaplaceSampler(Infinity), /finite/);
  assert.throws(() => new DiscreteLaplaceSampler('abc'), /not a number/);
});
