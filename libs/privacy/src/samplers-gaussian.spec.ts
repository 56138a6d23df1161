import * as assert from 'node:assert/strict';
import { DiscreteGaussianSampler, sampleBernoulliExp, sampleBernoulli, resolveSigma2 } from './samplers';
import { seededRandomSource } from './random';
import { discreteGaussianNormalizer, discreteGaussianPmf } from './distributions';
import { chiSquareIntegers, meanAndVariance } from './testing/stats';

const N = 1_000_000;
const SEED = '7e55e7a0';

function draws(sampler: DiscreteGaussianSampler, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = sampler.next();
  return out;
}

/** Exact moments from the pmf (float). */
function moments(sigma: number): { variance: number; fourth: number } {
  const z = discreteGaussianNormalizer(sigma);
  let v = 0;
  let f = 0;
  for (let k = 1; k <= Math.ceil(40 * sigma + 20); k++) {
    const p = 2 * discreteGaussianPmf(sigma, k, z);
    v += k * k * p;
    f += k * k * k * k * p;
  }
  return { variance: v, fourth: f };
}

for (const sigma of [0.5, 1, 3, 20]) {
  test(`discrete Gaussian σ=${sigma}: chi-square on 10^6 draws, mean and variance`, () => {
    const s = new DiscreteGaussianSampler({ sigma }, { seed: SEED });
    const xs = draws(s, N);
    const z = discreteGaussianNormalizer(sigma);
    const chi = chiSquareIntegers(xs, (k) => discreteGaussianPmf(sigma, k, z));
    assert.ok(chi.bins >= 3, `bins=${chi.bins}`);
    assert.ok(chi.pValue > 1e-3, `chi-square rejects: stat=${chi.stat.toFixed(1)} df=${chi.df} p=${chi.pValue}`);

    const { mean, variance } = meanAndVariance(xs);
    const m = moments(sigma);
    assert.ok(Math.abs(mean) < 5 * Math.sqrt(m.variance / N), `mean ${mean}`);
    const seVar = Math.sqrt((m.fourth - m.variance * m.variance) / N);
    assert.ok(Math.abs(variance - m.variance) < 5 * seVar, `variance ${variance} vs ${m.variance} (se ${seVar})`);
    // CKS20: Var[N_Z(0, σ²)] < σ² (equal to double precision for σ >= 3).
    assert.ok(m.variance <= sigma * sigma * (1 + 1e-12));
  });
}

test('the chi-square test has power: σ=1 draws are rejected against the σ=1.02 pmf', () => {
  const xs = draws(new DiscreteGaussianSampler({ sigma: 1 }, { seed: SEED }), N);
  const z = discreteGaussianNormalizer(1.02);
  const chi = chiSquareIntegers(xs, (k) => discreteGaussianPmf(1.02, k, z));
  assert.ok(chi.pValue < 1e-6, `p=${chi.pValue}`);
});

test('bigint path: forced bigint σ=0.7 matches the pmf; σ=0.1 as a double (σ² denominator 2^110) works', () => {
  const s = new DiscreteGaussianSampler({ sigma: 0.7 }, { seed: SEED, arithmetic: 'bigint' });
  const n = 200_000;
  const xs = draws(s, n);
  const z = discreteGaussianNormalizer(0.7);
  const chi = chiSquareIntegers(xs, (k) => discreteGaussianPmf(0.7, k, z));
  assert.ok(chi.pValue > 1e-3, `p=${chi.pValue}`);

  const tiny = new DiscreteGaussianSampler({ sigma: 0.1 }, { seed: SEED });
  assert.equal(tiny.sigma2.den, 2n ** 110n);
  let nonZero = 0;
  for (let i = 0; i < n; i++) if (tiny.next() !== 0) nonZero++;
  // P[Y != 0] = 2e^{-50}/Z ≈ 4e-22
  assert.equal(nonZero, 0);
});

test('number and bigint arithmetic consume randomness identically (same samples)', () => {
  for (const params of [{ sigma: 0.5 }, { sigma: 3 }, { sigma2: '10/3' }, { sigma: 1000 }]) {
    const a = new DiscreteGaussianSampler(params, { seed: 'aa01' }).sample(20_000);
    const b = new DiscreteGaussianSampler(params, { seed: 'aa01', arithmetic: 'bigint' }).sampleBigInt(20_000);
    assert.deepEqual(a, b.map(Number), JSON.stringify(params));
  }
});

test('rational σ² = 10/3 is sampled exactly (chi-square)', () => {
  const s = new DiscreteGaussianSampler({ sigma2: { num: 10n, den: 3n } }, { seed: SEED });
  assert.deepEqual(s.sigma2, { num: 10n, den: 3n });
  assert.equal(s.t, 2n); // floor(√(10/3)) + 1
  const xs = draws(s, 300_000);
  const sigma = Math.sqrt(10 / 3);
  const z = discreteGaussianNormalizer(sigma);
  assert.ok(chiSquareIntegers(xs, (k) => discreteGaussianPmf(sigma, k, z)).pValue > 1e-3);
});

test('very large σ (10^20) works on bigint with the right spread', () => {
  const s = new DiscreteGaussianSampler({ sigma2: 10n ** 40n }, { seed: SEED });
  const xs = s.sampleBigInt(4000).map((v) => Number(v) / 1e20);
  const { mean, variance } = meanAndVariance(xs);
  assert.ok(Math.abs(mean) < 0.1, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.1, `variance ${variance}`);
  assert.throws(() => s.next(), /safe integer/);
});

test('fixed seed ⇒ fixed output; different seeds differ', () => {
  const a = new DiscreteGaussianSampler({ sigma: 3 }, { seed: '00' }).sample(12);
  const b = new DiscreteGaussianSampler({ sigma: 3 }, { rng: seededRandomSource('00') }).sample(12);
  const c = new DiscreteGaussianSampler({ sigma: 3 }, { seed: '01' }).sample(12);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // Pinned: a change here means seeded streams are no longer reproducible across versions.
  assert.deepEqual(a, PINNED_SIGMA3_SEED00);
});

test('default source is the CSPRNG; two unseeded samplers differ', () => {
  const a = new DiscreteGaussianSampler({ sigma: 1000 });
  const b = new DiscreteGaussianSampler({ sigma: 1000 });
  assert.equal(a.randomSource.kind, 'crypto');
  assert.notDeepEqual(a.sample(32), b.sample(32));
  assert.equal(new DiscreteGaussianSampler({ sigma: 1 }, { seed: 'ab' }).randomSource.kind, 'seeded');
});

test('parameter validation', () => {
  assert.throws(() => new DiscreteGaussianSampler({ sigma: 0 }), /sigma must be > 0/);
  assert.throws(() => new DiscreteGaussianSampler({ sigma: -1 }), /sigma must be > 0/);
  assert.throws(() => new DiscreteGaussianSampler({ sigma: NaN }), /finite/);
  assert.throws(() => new DiscreteGaussianSampler({ sigma2: '0' }), /sigma2 must be > 0/);
  assert.throws(() => new DiscreteGaussianSampler({ sigma: 1 }, { seed: 'xyz' }), /hex/);
  assert.throws(() => resolveSigma2({ sigma: 1, sigma2: 1 } as never), /not both/);
  assert.throws(() => new DiscreteGaussianSampler({ sigma: 1 }).sample(-1), /count/);
});

test('Bernoulli(exp(-γ)) (CKS20 Algorithm 1) matches exp(-γ) within 5 standard errors', () => {
  const rng = seededRandomSource('be');
  const n = 100_000;
  for (const gamma of ['0', '1/7', '1/2', '1', '3/2', '5', '123456789/100000000']) {
    let hits = 0;
    for (let i = 0; i < n; i++) if (sampleBernoulliExp(gamma, rng)) hits++;
    const [a, b] = gamma.includes('/') ? gamma.split('/').map(Number) : [Number(gamma), 1];
    const p = Math.exp(-a / b);
    const se = Math.sqrt((p * (1 - p)) / n) || 1e-9;
    assert.ok(Math.abs(hits / n - p) <= 5 * se, `γ=${gamma}: ${hits / n} vs ${p}`);
  }
  assert.throws(() => sampleBernoulliExp(-1, rng), />= 0/);
});

test('Bernoulli(p) for exact rationals', () => {
  const rng = seededRandomSource('b1');
  assert.equal(sampleBernoulli(0, rng), false);
  assert.equal(sampleBernoulli(1, rng), true);
  let hits = 0;
  for (let i = 0; i < 100_000; i++) if (sampleBernoulli('1/3', rng)) hits++;
  assert.ok(Math.abs(hits / 100_000 - 1 / 3) < 5 * Math.sqrt(2 / 9 / 100_000));
  assert.throws(() => sampleBernoulli('3/2', rng), /\[0, 1\]/);
});

const PINNED_SIGMA3_SEED00 = [2, -6, -3, 1, -2, 2, -1, 1, 5, 5, 2, 3];
