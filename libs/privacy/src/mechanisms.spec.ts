import * as assert from 'node:assert/strict';
import { addDistributedGaussianShare, discreteGaussianMechanism, discreteLaplaceMechanism, distributedGaussianNoise } from './mechanisms';
import { DiscreteGaussianSampler, DiscreteLaplaceSampler } from './samplers';
import { calibrateGaussianSigma } from './calibration';
import { zcdpToEpsilon } from './zcdp';
import { meanAndVariance } from './testing/stats';

test('Gaussian mechanism adds exactly the sampler noise and reports ρ = Δ²/(2σ²)', () => {
  const values = [10, 0, -5, 1000, 7];
  const r = discreteGaussianMechanism(values, { sigma: 2, l2Sensitivity: 3 }, { seed: 'a1' });
  const noise = new DiscreteGaussianSampler({ sigma: 2 }, { seed: 'a1' }).sample(values.length);
  assert.deepEqual(r.values, values.map((v, i) => v + noise[i]));
  assert.equal(r.rho, 9 / 8);
  assert.deepEqual(r.cost, { kind: 'zcdp', rho: 9 / 8 });
  assert.deepEqual(r.sigma2, { num: 4n, den: 1n });
});

test('Gaussian mechanism on bigint vectors and with (ε, δ) calibration', () => {
  const big = [2n ** 70n, -3n];
  const r = discreteGaussianMechanism(big, { sigma2: '1/4', l2Sensitivity: 1 }, { seed: 'a2' });
  assert.equal(typeof r.values[0], 'bigint');
  assert.ok(r.values[0] - 2n ** 70n < 10n && r.values[0] - 2n ** 70n > -10n);
  const c = discreteGaussianMechanism([1, 2, 3], { epsilon: 1, delta: 1e-5, l2Sensitivity: 1 }, { seed: 'a3' });
  const sigma = calibrateGaussianSigma({ epsilon: 1, delta: 1e-5, l2Sensitivity: 1 });
  assert.equal(c.rho, 1 / (2 * sigma * sigma) <= c.rho ? c.rho : NaN);
  assert.ok(zcdpToEpsilon(c.rho, 1e-5) <= 1);
});

test('noise is unbiased with the right variance across many releases', () => {
  const values = new Array(50_000).fill(100);
  const r = discreteGaussianMechanism(values, { sigma: 5, l2Sensitivity: 1 }, { seed: 'a4' });
  const { mean, variance } = meanAndVariance(r.values);
  assert.ok(Math.abs(mean - 100) < 5 * Math.sqrt(25 / 50_000));
  assert.ok(Math.abs(variance - 25) < 5 * 25 * Math.sqrt(2 / 50_000));
});

test('Laplace mechanism reports pure ε = Δ₁/b and can calibrate b from ε', () => {
  const values = [3, 4, 5];
  const r = discreteLaplaceMechanism(values, { scale: 2, l1Sensitivity: 1 }, { seed: 'b1' });
  const noise = new DiscreteLaplaceSampler(2, { seed: 'b1' }).sample(3);
  assert.deepEqual(r.values, values.map((v, i) => v + noise[i]));
  assert.equal(r.epsilon, 0.5);
  assert.deepEqual(r.cost, { kind: 'pure', epsilon: 0.5 });
  const c = discreteLaplaceMechanism([1n], { epsilon: 0.25, l1Sensitivity: 2 }, { seed: 'b2' });
  assert.deepEqual(c.scale, { num: 8n, den: 1n });
  assert.equal(c.epsilon, 0.25);
});

test('distributed noise shares', () => {
  const n = distributedGaussianNoise(4, { sigma2: '9/2' }, { seed: 'c1' });
  assert.deepEqual(n, new DiscreteGaussianSampler({ sigma2: '9/2' }, { seed: 'c1' }).sample(4));
  const v = addDistributedGaussianShare([1, 2, 3, 4], { sigma2: '9/2' }, { seed: 'c1' });
  assert.deepEqual(v, [1, 2, 3, 4].map((x, i) => x + n[i]));
});

test('validation: integers only, non-negative sensitivity', () => {
  assert.throws(() => discreteGaussianMechanism([1.5], { sigma: 1, l2Sensitivity: 1 }), /safe integer/);
  assert.throws(() => discreteGaussianMechanism([1], { sigma: 1, l2Sensitivity: -1 }), /l2Sensitivity/);
  assert.throws(() => discreteLaplaceMechanism([1], { scale: 1, l1Sensitivity: NaN }), /l1Sensitivity/);
  assert.throws(() => distributedGaussianNoise(-1, { sigma: 1 }), /dimension/);
});
