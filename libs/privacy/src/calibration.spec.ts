import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { calibrateGaussianSigma, calibrateLaplaceScale, gaussianEpsilon, laplaceEpsilon, sigmaForRho, sigmaSquared } from './calibration';
import { epsilonToRho, gaussianRhoFromSigma, zcdpToEpsilon } from './zcdp';
import { analyticGaussianEpsilon } from './testing/stats';

test('σ for ε = 1, 4, 10 at δ = 1e-5, Δ₂ = 1 (reference values)', () => {
  const expected: Record<number, number> = { 1: 4.04513, 4: 1.15757, 10: 0.529598 };
  for (const eps of [1, 4, 10]) {
    const sigma = calibrateGaussianSigma({ epsilon: eps, delta: 1e-5, l2Sensitivity: 1 });
    assert.ok(Math.abs(sigma - expected[eps]) / expected[eps] < 1e-5, `ε=${eps}: σ=${sigma}`);
    // Sandwich: at least the exact continuous-Gaussian σ (Balle–Wang), and for ε <= 1 at most the classic
    // σ = √(2 ln(1.25/δ))/ε of Dwork–Roth Thm A.1.
    assert.ok(analyticGaussianEpsilon(sigma, 1e-5) <= eps, 'σ is not below the exact Gaussian requirement');
    if (eps <= 1) assert.ok(sigma <= Math.sqrt(2 * Math.log(1.25 / 1e-5)) / eps);
  }
});

test('property: calibration and accounting are inverse (Gaussian)', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.05, max: 20, noNaN: true }),
      fc.constantFrom(1e-4, 1e-5, 1e-8),
      fc.double({ min: 0.1, max: 1000, noNaN: true }),
      (epsilon, delta, l2Sensitivity) => {
        const sigma = calibrateGaussianSigma({ epsilon, delta, l2Sensitivity });
        const rhoMax = epsilonToRho(epsilon, delta);
        // Exact ρ of the returned σ (σ² = σ·σ as an exact rational) fits the budget ...
        assert.ok(gaussianRhoFromSigma(l2Sensitivity, sigma) <= rhoMax);
        const achieved = gaussianEpsilon({ sigma, delta, l2Sensitivity });
        assert.ok(achieved <= epsilon, `achieved ${achieved} > target ${epsilon}`);
        // ... and is tight: accounting gives back (almost) the target.
        assert.ok(achieved >= epsilon * (1 - 1e-7), `achieved ${achieved} << target ${epsilon}`);
        // ... and the smallest σ: one part in 10^9 less noise would exceed the budget.
        assert.ok(gaussianRhoFromSigma(l2Sensitivity, sigma * (1 - 1e-9)) > rhoMax);
      },
    ),
    { numRuns: 60 },
  );
});

test('property: sigmaForRho gives the minimal admissible σ', () => {
  fc.assert(
    fc.property(fc.double({ min: 1e-6, max: 100, noNaN: true }), fc.double({ min: 0.01, max: 100, noNaN: true }), (rho, d) => {
      const sigma = sigmaForRho(d, rho);
      assert.ok(gaussianRhoFromSigma(d, sigma) <= rho);
      assert.ok(gaussianRhoFromSigma(d, sigma * (1 - 1e-12)) > rho);
    }),
  );
});

test('property: Laplace calibration b = Δ₁/ε is exact and inverse', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.001, max: 100, noNaN: true }), fc.double({ min: 0.001, max: 1e6, noNaN: true }), (epsilon, l1Sensitivity) => {
      const b = calibrateLaplaceScale({ epsilon, l1Sensitivity });
      assert.ok(laplaceEpsilon({ scale: b, l1Sensitivity }) <= epsilon);
      assert.ok(Math.abs(b - l1Sensitivity / epsilon) <= (l1Sensitivity / epsilon) * 1e-15);
    }),
  );
  assert.equal(calibrateLaplaceScale({ epsilon: 0.5, l1Sensitivity: 1 }), 2);
  assert.equal(laplaceEpsilon({ scale: '7/3', l1Sensitivity: 7 }), 3);
  assert.equal(laplaceEpsilon({ scale: 3, l1Sensitivity: 1 }), 0.33333333333333337); // 1/3 rounded up
});

test('validation and helpers', () => {
  assert.throws(() => calibrateGaussianSigma({ epsilon: 0, delta: 1e-5, l2Sensitivity: 1 }), /epsilon/);
  assert.throws(() => calibrateGaussianSigma({ epsilon: 1, delta: 2, l2Sensitivity: 1 }), /delta/);
  assert.throws(() => calibrateGaussianSigma({ epsilon: 1, delta: 1e-5, l2Sensitivity: -1 }), /l2Sensitivity/);
  assert.throws(() => calibrateLaplaceScale({ epsilon: 1, l1Sensitivity: 0 }), /l1Sensitivity/);
  assert.deepEqual(sigmaSquared(0.5), { num: 1n, den: 4n });
  assert.equal(zcdpToEpsilon(gaussianRhoFromSigma(1, 4.04513), 1e-5) < 1.00001, true);
});
