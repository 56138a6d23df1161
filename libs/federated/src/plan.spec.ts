import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { distributedGaussianGuarantee, epsilonToRho, gaussianRhoFromSigma } from '@tessera/privacy';
import { roundConfig } from './config';
import { planCalibration } from './calibration';
import { clippedSum } from './encode';
import { decodeAggregate } from './decode';
import { addWords, fromWord, toWord } from './noise';
import { ledgerCharge, planRound } from './plan';
import { database } from './testing/fixtures';

const clip = { utility: 5000, supportCount: 3, transactionUtility: 20000 };

test('property: shares calibrated for minStores keep the guarantee for every survivor count from minStores to participants', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.05, max: 12, noNaN: true }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 0, max: 10 }),
      fc.integer({ min: 1, max: 300 }),
      fc.boolean(),
      (epsilon, minStores, extra, candidateCount, calibrate) => {
        const participants = minStores + extra;
        const config = roundConfig({ minStores, epsilon, k: Math.min(5, participants), minUtilityFraction: 0.01, maxLength: 3, topM: 10, calibrationShare: calibrate ? 0.05 : 0 });
        const candidates = Array.from({ length: candidateCount }, (_, i) => [`sku-${i}`]);
        const calibration = calibrate ? planCalibration(config, { participants, candidates }) : undefined;
        const plan = planRound(config, { participants, candidates, clip, calibration });
        const budget = epsilonToRho(epsilon, config.delta);
        assert.ok(plan.privacy.roundRho <= budget * (1 + 1e-12), `round ρ ${plan.privacy.roundRho} > budget ${budget}`);
        assert.ok(plan.privacy.epsilon <= epsilon * (1 + 1e-9));
        const charge = ledgerCharge(plan);
        assert.equal(charge.rho, charge.parts.reduce((s, part) => s + part.rho, 0));
        assert.equal(charge.parts.length, calibrate ? 2 : 1);
        for (let survivors = minStores; survivors <= participants; survivors++) {
          const measurement = distributedGaussianGuarantee({ shareSigma2: plan.noise.shareSigma2, survivors, l2Sensitivity: plan.quantisation.l2Sensitivity, dimension: plan.layout.length });
          assert.ok(measurement.rho <= plan.privacy.rho * (1 + 1e-12), `${survivors} survivors: ρ ${measurement.rho} > charged ${plan.privacy.rho}`);
          if (calibration) {
            const histograms = distributedGaussianGuarantee({ shareSigma2: calibration.noise.shareSigma2, survivors, l2Sensitivity: Math.sqrt(3), dimension: calibration.layout.length });
            assert.ok(histograms.rho <= calibration.privacy.rho * (1 + 1e-12));
          }
        }
        if (minStores >= 2) {
          const tooFew = distributedGaussianGuarantee({ shareSigma2: plan.noise.shareSigma2, survivors: minStores - 1, l2Sensitivity: plan.quantisation.l2Sensitivity, dimension: plan.layout.length });
          assert.ok(tooFew.rho > plan.privacy.rho, 'one survivor fewer than planned would break the guarantee (so decoding it is refused)');
        }
        assert.ok(gaussianRhoFromSigma(plan.quantisation.l2Sensitivity, plan.noise.centralSigma) <= budget - plan.privacy.calibrationRho + 1e-12);
      },
    ),
    { numRuns: 120 },
  );
});

test('decoding is refused outside [minSurvivors, participants] and for a tampered plan', () => {
  const config = roundConfig({ minStores: 4, epsilon: 2, k: 5, minUtilityFraction: 0, maxLength: 3, topM: 10, calibrationShare: 0 });
  const plan = planRound(config, { participants: 6, candidates: [['apple']], clip });
  const zero = new Uint32Array(plan.layout.length);
  assert.throws(() => decodeAggregate(zero, plan, 3), /survivors must be an integer between minSurvivors \(4\) and participants \(6\)/);
  assert.throws(() => decodeAggregate(zero, plan, 7), /survivors/);
  assert.doesNotThrow(() => decodeAggregate(zero, plan, 4));
  assert.throws(() => decodeAggregate(new Uint32Array(3), plan, 4), /length/);
  const tampered = { ...plan, clip: { ...plan.clip, utility: plan.clip.utility * 10 } };
  assert.throws(() => clippedSum(database([{ items: ['apple'], utilities: [1] }]), tampered), /digest mismatch/);
  const viaJson = JSON.parse(JSON.stringify(plan));
  assert.doesNotThrow(() => clippedSum(database([{ items: ['apple'], utilities: [1] }]), viaJson), 'a plan survives a JSON round trip');
});

test('configuration errors name the field', () => {
  const base = { minStores: 5, epsilon: 1, k: 5, minUtilityFraction: 0.01, maxLength: 3, topM: 10 };
  assert.throws(() => roundConfig({ ...base, k: 4 }), /k must be at least min\(5, minStores\) = 5/);
  assert.throws(() => roundConfig({ ...base, epsilon: 0 }), /epsilon/);
  assert.throws(() => roundConfig({ ...base, shares: { utility: 0.5 } }), /shares must add up to 1/);
  assert.throws(() => planRound(roundConfig(base), { participants: 4, candidates: [['a']], clip }), /participants must be an integer >= minStores/);
  assert.throws(() => planRound(roundConfig(base), { participants: 5, candidates: [], clip }), /candidate list is empty/);
  assert.throws(() => planRound(roundConfig(base), { participants: 5, candidates: [['a', 'b'], ['b', 'a']], clip }), /listed twice/);
});

test('property: two\'s complement words add up to the signed sum while it stays within 32 bits', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -(2 ** 28), max: 2 ** 28 }), { minLength: 1, maxLength: 7 }), (values) => {
      const sum = addWords(values.map((v) => Uint32Array.of(toWord(v))));
      assert.equal(fromWord(sum[0]), values.reduce((s, v) => s + v, 0));
    }),
  );
  assert.equal(toWord(-1), 2 ** 32 - 1);
  assert.equal(fromWord(2 ** 31), -(2 ** 31));
});
