import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { calibrateDistributedGaussian, ddgTau, distributedGaussianGuarantee, distributedGaussianShare, distributedGaussianWorstCase } from './distributed';
import { DiscreteGaussianSampler } from './samplers';
import { epsilonToRho, zcdpToEpsilon } from './zcdp';
import { meanAndVariance } from './testing/stats';

test('τ = 10 Σ_{k=1}^{n-1} exp(-2π²σ²k/(k+1)) (KLS21), by hand', () => {
  assert.equal(ddgTau(1, 1), 0);
  const s2 = 0.25;
  const byHand = 10 * (Math.exp(-2 * Math.PI ** 2 * s2 * (1 / 2)) + Math.exp(-2 * Math.PI ** 2 * s2 * (2 / 3)));
  assert.ok(Math.abs(ddgTau(s2, 3) - byHand) / byHand < 1e-11);
  assert.ok(ddgTau(s2, 3) >= byHand);
});

test('one survivor: the bound reduces to the plain discrete Gaussian ρ = Δ²/(2σ²)', () => {
  const g = distributedGaussianGuarantee({ shareSigma: 2, survivors: 1, l2Sensitivity: 1, dimension: 50 });
  assert.equal(g.tau, 0);
  assert.ok(Math.abs(g.rho - 1 / 8) < 1e-15 && g.rho >= 1 / 8);
  assert.equal(g.epsilon, zcdpToEpsilon(g.rho, 1e-5));
});

test('the sum is charged more than the ideal ρ, by the τ terms (σ_i = 1/2, n = 20, d = 10)', () => {
  const g = distributedGaussianGuarantee({ shareSigma: 0.5, survivors: 20, l2Sensitivity: 2, dimension: 10 });
  const a = 2 / Math.sqrt(20 * 0.25);
  const tau = g.tau;
  const rho2 = (a * a + 2 * (g.l1Sensitivity / Math.sqrt(20 * 0.25)) * tau + tau * tau * 10) / 2;
  const rho3 = (a + tau * Math.sqrt(10)) ** 2 / 2;
  assert.equal(g.l1Sensitivity, Math.min(Math.sqrt(10) * 2, 4));
  assert.ok(Math.abs(g.rho - Math.min(rho2, rho3)) <= 1e-12 * g.rho);
  assert.ok(g.rho > g.idealRho * 1.5, 'small shares: τ is large and matters');
  assert.ok(g.epsilonRdp <= g.epsilon);
});

test('property: guarantee is monotone in the share σ and never better than ideal', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.5, max: 10, noNaN: true }),
      fc.double({ min: 0.5, max: 10, noNaN: true }),
      fc.integer({ min: 1, max: 200 }),
      fc.integer({ min: 1, max: 1000 }),
      (s1, s2, n, d) => {
        const [lo, hi] = s1 <= s2 ? [s1, s2] : [s2, s1];
        const gl = distributedGaussianGuarantee({ shareSigma: lo, survivors: n, l2Sensitivity: 1, dimension: d });
        const gh = distributedGaussianGuarantee({ shareSigma: hi, survivors: n, l2Sensitivity: 1, dimension: d });
        assert.ok(gh.rho <= gl.rho * (1 + 1e-12));
        assert.ok(gl.rho >= gl.idealRho && gh.rho >= gh.idealRho);
      },
    ),
  );
});

test('shares: σ_i² = σ²/minSurvivors exactly; the sum of minSurvivors shares has variance σ²', () => {
  const share = distributedGaussianShare({ targetSigma: 6, minSurvivors: 9 });
  assert.deepEqual(share.shareSigma2, { num: 4n, den: 1n });
  assert.equal(share.shareSigma, 2);
  const third = distributedGaussianShare({ targetSigma2: '10', minSurvivors: 3 });
  assert.deepEqual(third.shareSigma2, { num: 10n, den: 3n });
  // Simulate 9 stores: the aggregate noise variance is ≈ 9 · Var[N_Z(0, 4)] ≈ 36.
  const stores = Array.from({ length: 9 }, (_, i) => new DiscreteGaussianSampler({ sigma2: share.shareSigma2 }, { seed: `0${i}` }));
  const sums = Array.from({ length: 40_000 }, () => stores.reduce((s, st) => s + st.next(), 0));
  const { mean, variance } = meanAndVariance(sums);
  assert.ok(Math.abs(mean) < 5 * Math.sqrt(36 / 40_000));
  assert.ok(Math.abs(variance - 36) < 5 * 36 * Math.sqrt(2 / 40_000), `variance ${variance}`);
  assert.throws(() => distributedGaussianShare({ targetSigma: 1, minSurvivors: 0 }), /minSurvivors/);
});

test('worst case over survivor counts ≥ every individual count; dropouts never weaken it', () => {
  const base = { shareSigma: 0.6, l2Sensitivity: 1, dimension: 100 };
  const worst = distributedGaussianWorstCase({ ...base, minSurvivors: 5, maxSurvivors: 60 });
  for (let n = 5; n <= 60; n++) {
    assert.ok(distributedGaussianGuarantee({ ...base, survivors: n }).rho <= worst.rho);
  }
  // With tiny shares τ grows with n, so the worst case is NOT at the minimum here.
  assert.ok(worst.survivors > 5);
});

test('property: calibrated shares meet the target (ε, δ) for every survivor count in range', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.1, max: 10, noNaN: true }),
      fc.integer({ min: 1, max: 50 }),
      fc.integer({ min: 0, max: 50 }),
      fc.integer({ min: 1, max: 500 }),
      (epsilon, minSurvivors, extra, dimension) => {
        const cal = calibrateDistributedGaussian({ epsilon, delta: 1e-5, l2Sensitivity: 1, dimension, minSurvivors, maxSurvivors: minSurvivors + extra });
        assert.ok(cal.shareSigma >= 0.5);
        assert.ok(cal.guarantee.epsilon <= epsilon, `ε ${cal.guarantee.epsilon} > ${epsilon}`);
        for (const n of [minSurvivors, minSurvivors + extra, minSurvivors + (extra >> 1)]) {
          const g = distributedGaussianGuarantee({ shareSigma2: cal.shareSigma2, survivors: n, l2Sensitivity: 1, dimension });
          assert.ok(g.rho <= cal.rhoBudget, `n=${n}: ρ ${g.rho} > budget ${cal.rhoBudget}`);
        }
        // Tight unless clamped at σ_i = 1/2.
        if (cal.shareSigma > 0.5) assert.ok(cal.guarantee.rho > cal.rhoBudget * (1 - 1e-6));
      },
    ),
    { numRuns: 40 },
  );
});

test('calibration agrees with the central discrete Gaussian when τ is negligible', () => {
  const cal = calibrateDistributedGaussian({ epsilon: 1, delta: 1e-5, l2Sensitivity: 1, dimension: 100, minSurvivors: 10, maxSurvivors: 100 });
  const central = Math.sqrt(10) * cal.shareSigma;
  const plain = 1 / Math.sqrt(2 * epsilonToRho(1, 1e-5));
  assert.ok(central >= plain, 'the distributed sum never carries less noise than the central calibration');
  assert.ok(central < plain * (1 + 1e-4), `${central} vs ${plain}`);
});

test('validation: σ_i >= 1/2 is required by the KLS21 bound', () => {
  assert.throws(() => distributedGaussianGuarantee({ shareSigma: 0.49, survivors: 3, l2Sensitivity: 1, dimension: 1 }), /1\/2/);
  assert.throws(() => distributedGaussianGuarantee({ shareSigma: 1, survivors: 0, l2Sensitivity: 1, dimension: 1 }), /survivors/);
  assert.throws(() => distributedGaussianGuarantee({ shareSigma: 1, survivors: 2, l2Sensitivity: 1, dimension: 0 }), /dimension/);
  assert.throws(() => distributedGaussianWorstCase({ shareSigma: 1, minSurvivors: 5, maxSurvivors: 4, l2Sensitivity: 1, dimension: 1 }), /maxSurvivors/);
});
