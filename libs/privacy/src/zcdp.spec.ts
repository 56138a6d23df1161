import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  composeRho,
  costToRho,
  epsilonToRho,
  gaussianRho,
  gaussianRhoFromSigma,
  pureDpToRho,
  rdpToEpsilon,
  zcdpToDelta,
  zcdpToEpsilon,
  zcdpToEpsilonSimple,
} from './zcdp';
import { analyticGaussianEpsilon } from './testing/stats';

/** Independent reference: dense grid over α of the CKS20 Cor 13 objective (no golden section, no u-substitution). */
function denseEpsilon(rho: number, delta: number): number {
  let best = Infinity;
  const L = Math.log(1 / delta);
  // α-1 on a log grid 1e-8 .. 1e12 with 200k points.
  for (let i = 0; i <= 200_000; i++) {
    const am1 = 10 ** (-8 + (20 * i) / 200_000);
    const a = 1 + am1;
    const v = a * rho + (L - Math.log(a)) / am1 + Math.log(am1 / a);
    if (v < best) best = v;
  }
  return Math.max(0, best);
}

test('ε from ρ matches an independent dense minimisation (CKS20 Cor 13)', () => {
  for (const [rho, delta] of [
    [1e-6, 1e-5],
    [0.001, 1e-5],
    [0.0305, 1e-5],
    [0.5, 1e-5],
    [1, 1e-5],
    [2.63, 1e-10],
    [10, 1e-5],
    [100, 1e-6],
  ]) {
    const eps = zcdpToEpsilon(rho, delta);
    const ref = denseEpsilon(rho, delta);
    assert.ok(Math.abs(eps - ref) <= ref * 1e-6 + 1e-12, `ρ=${rho}: ${eps} vs dense ${ref}`);
    // Validity: the reported ε is the objective at an actual α (so it is a true bound), never below it.
    const { epsilon, alpha } = rdpToEpsilon((a) => a * rho, delta);
    assert.equal(epsilon, eps);
    const atAlpha = alpha * rho + (Math.log(1 / delta) - Math.log(alpha)) / (alpha - 1) + Math.log(1 - 1 / alpha);
    assert.ok(eps >= atAlpha - Math.abs(atAlpha) * 1e-12, `ρ=${rho}: ${eps} < objective at α=${alpha}: ${atAlpha}`);
  }
});

test('ε and δ forms of CKS20 Prop 12 agree: δ(ρ, ε(ρ, δ)) = δ', () => {
  for (const rho of [0.01, 0.1, 0.5, 1, 5]) {
    for (const delta of [1e-3, 1e-5, 1e-9]) {
      const eps = zcdpToEpsilon(rho, delta);
      const d = zcdpToDelta(rho, eps);
      assert.ok(Math.abs(d - delta) / delta < 1e-6, `ρ=${rho} δ=${delta}: got δ=${d}`);
    }
  }
});

test('tight conversion is between the exact Gaussian ε and the simple BS16 bound', () => {
  // A Gaussian with Δ=1, σ is ρ=1/(2σ²)-zCDP; its exact ε (Balle–Wang) can only be smaller
  // than what any ρ-zCDP conversion gives, and the simple bound ρ + 2√(ρ log 1/δ) is looser.
  for (const sigma of [0.5, 1, 2, 4, 10, 50]) {
    const rho = 1 / (2 * sigma * sigma);
    for (const delta of [1e-5, 1e-8]) {
      const exact = analyticGaussianEpsilon(sigma, delta);
      const tight = zcdpToEpsilon(rho, delta);
      const simple = zcdpToEpsilonSimple(rho, delta);
      assert.ok(exact <= tight, `σ=${sigma}: exact ${exact} > tight ${tight}`);
      assert.ok(tight < simple, `σ=${sigma}: tight ${tight} >= simple ${simple}`);
      assert.ok(tight < exact * 1.35, `σ=${sigma}: tight ${tight} too far above exact ${exact}`);
    }
  }
});

test('known values', () => {
  assert.equal(gaussianRho(1, 1), 0.5);
  assert.equal(gaussianRho(2, 8), 0.25);
  assert.equal(gaussianRhoFromSigma(3, 3), 0.5);
  assert.equal(gaussianRho(1, '1/3'), 1.5);
  assert.equal(pureDpToRho(1), 0.5);
  assert.equal(pureDpToRho(0.2), 0.020000000000000004); // exact (0.2)²/2 rounded up
  assert.equal(composeRho([0.1, { kind: 'zcdp', rho: 0.2 }, { kind: 'pure', epsilon: 1 }]), 0.1 + 0.2 + 0.5);
  assert.equal(costToRho({ kind: 'pure', epsilon: 2 }), 2);
  assert.equal(zcdpToEpsilon(0, 1e-5), 0);
  assert.equal(zcdpToDelta(0, 1), 0);
  // Simple bound by hand: ρ=1, δ=1e-5: 1 + 2√(ln 1e5) = 7.7861...
  assert.ok(Math.abs(zcdpToEpsilonSimple(1, 1e-5) - (1 + 2 * Math.sqrt(Math.log(1e5)))) < 1e-9);
  // Pinned values of the tight conversion (checked against the dense reference above).
  assert.ok(Math.abs(zcdpToEpsilon(0.5, 1e-5) - 4.7283869) < 1e-6);
  assert.ok(Math.abs(zcdpToEpsilon(1, 1e-5) - denseEpsilon(1, 1e-5)) < 1e-6);
  // An ε-DP release accounted as ε²/2-zCDP converts back to less than... its own ε plus the usual slack.
  assert.ok(zcdpToEpsilon(pureDpToRho(1), 1e-5) > 1);
});

test('input validation', () => {
  assert.throws(() => zcdpToEpsilon(-1, 1e-5), /rho/);
  assert.throws(() => zcdpToEpsilon(NaN, 1e-5), /rho/);
  assert.throws(() => zcdpToEpsilon(1, 0), /delta/);
  assert.throws(() => zcdpToEpsilon(1, 1), /delta/);
  assert.throws(() => epsilonToRho(-1, 1e-5), /epsilon/);
  assert.throws(() => gaussianRho(1, 0), /sigma2/);
  assert.throws(() => gaussianRho(-1, 1), /l2Sensitivity/);
  assert.throws(() => composeRho([-1]), /rho/);
  assert.throws(() => costToRho({ kind: 'other' } as never), /unknown/);
});

test('property: ε(ρ) is non-decreasing in ρ and never below 0', () => {
  fc.assert(
    fc.property(fc.double({ min: 1e-8, max: 50, noNaN: true }), fc.double({ min: 1e-8, max: 50, noNaN: true }), fc.constantFrom(1e-3, 1e-5, 1e-9), (a, b, delta) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const el = zcdpToEpsilon(lo, delta);
      const eh = zcdpToEpsilon(hi, delta);
      assert.ok(el >= 0);
      assert.ok(el <= eh * (1 + 1e-12) + 1e-15, `ε(${lo})=${el} > ε(${hi})=${eh}`);
    }),
    { numRuns: 300 },
  );
});

test('property: epsilonToRho inverts zcdpToEpsilon (largest admissible ρ)', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.01, max: 30, noNaN: true }), fc.constantFrom(1e-3, 1e-5, 1e-7, 1e-10), (eps, delta) => {
      const rho = epsilonToRho(eps, delta);
      assert.ok(rho > 0);
      assert.ok(zcdpToEpsilon(rho, delta) <= eps, 'the returned ρ satisfies the target');
      assert.ok(zcdpToEpsilon(rho * (1 + 1e-9), delta) > eps * (1 - 1e-9), 'and is (numerically) the largest');
      // Round trip the other way.
      const back = epsilonToRho(zcdpToEpsilon(rho, delta), delta);
      assert.ok(Math.abs(back - rho) <= rho * 1e-9);
    }),
    { numRuns: 100 },
  );
});

test('rdpToEpsilon on a pure αρ curve equals zcdpToEpsilon; an additive ξ only increases it', () => {
  for (const rho of [0.05, 0.5, 3]) {
    assert.ok(Math.abs(rdpToEpsilon((a) => a * rho, 1e-5).epsilon - zcdpToEpsilon(rho, 1e-5)) < 1e-12);
    assert.ok(rdpToEpsilon((a) => a * rho + 0.01, 1e-5).epsilon > zcdpToEpsilon(rho, 1e-5));
  }
});
