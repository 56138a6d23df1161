import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { binOf, calibrationCounts, decodeCalibration, denoiseHistogram, encodeCalibration, noisyQuantile, planCalibration, utilityEdges } from './calibration';
import { roundConfig } from './config';
import { addWords, toWord } from './noise';
import { arbCandidates, arbStore, database, testRandom } from './testing/fixtures';

test('property: binOf puts a value in the last bin whose lower edge is <= it', () => {
  const edges = utilityEdges();
  fc.assert(
    fc.property(fc.double({ min: 0, max: 2 ** 40, noNaN: true }), (value) => {
      const bin = binOf(edges, value);
      assert.ok(edges[bin] <= value);
      if (bin + 1 < edges.length) assert.ok(value < edges[bin + 1]);
    }),
  );
});

test('property: without noise the quantile is the bin of the exact order statistic (oracle: sorting)', () => {
  const edges = utilityEdges();
  fc.assert(
    fc.property(fc.array(fc.double({ min: 1, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.double({ min: 0.5, max: 0.999, noNaN: true }), (values, q) => {
      const counts = new Array<number>(edges.length).fill(0);
      for (const v of values) counts[binOf(edges, v)]++;
      const estimate = noisyQuantile({ edges, counts }, q);
      const sorted = values.slice().sort((a, b) => a - b);
      // The tail above the returned bin holds at most (1 - q)·n values, the tail from it on more.
      const above = sorted.filter((v) => v >= estimate.upperEdge).length;
      const fromBin = sorted.filter((v) => v >= edges[estimate.bin]).length;
      assert.ok(above <= (1 - q) * values.length + 1e-9, `above ${above}`);
      assert.ok(fromBin > (1 - q) * values.length - 1e-9, `from bin ${fromBin}`);
    }),
  );
});

test('denoising drops a lone spike far above the data but keeps the body and its near tail', () => {
  const counts = new Array<number>(40).fill(0);
  counts[10] = 50;
  counts[11] = 120;
  counts[12] = 30;
  counts[14] = 12; // beyond a one-bin gap: kept
  counts[30] = 25; // isolated noise spike: dropped
  const out = denoiseHistogram(counts, 10);
  assert.deepEqual(out.slice(10, 15), [50, 120, 30, 0, 12]);
  assert.equal(out[30], 0);
  assert.deepEqual(denoiseHistogram([1, 2, 3], 10), [0, 0, 0]);
});

test('property: calibration counts equal a direct binning of the store (oracle)', () => {
  fc.assert(
    fc.property(arbStore(20), arbCandidates(), (transactions, candidates) => {
      const config = roundConfig({ minStores: 3, epsilon: 2, k: 3, minUtilityFraction: 0, maxLength: 3, topM: 10 });
      const plan = planCalibration(config, { participants: 3, candidates });
      const counts = calibrationCounts(database(transactions), plan);
      const expected = new Array<number>(plan.layout.length).fill(0);
      for (const t of transactions) {
        const own = t.utilities.reduce((s, u) => s + u, 0);
        expected[plan.layout.transactionUtility + binOf(plan.edges.transactionUtility, own)]++;
        const held = plan.candidates.map((itemset) => (itemset.every((i) => t.items.includes(i)) ? itemset.reduce((s, i) => s + t.utilities[t.items.indexOf(i)], 0) : -1)).filter((u) => u >= 0);
        if (!held.length) continue;
        expected[plan.layout.utilityNorm + binOf(plan.edges.utilityNorm, Math.hypot(...held))]++;
        expected[plan.layout.supportCount + binOf(plan.edges.supportCount, held.length)]++;
      }
      assert.deepEqual(counts, expected);
    }),
    { numRuns: 100 },
  );
});

test('a noisy calibration round recovers clip bounds close to the true quantiles', () => {
  const random = testRandom('calibration');
  const stores = Array.from({ length: 5 }, () =>
    Array.from({ length: 2000 }, () => {
      const basket = random.nextUint32() % 2 ? ['apple', 'bread'] : ['apple'];
      return { items: basket, utilities: basket.map(() => 100 + (random.nextUint32() % 900)) };
    }),
  );
  const config = roundConfig({ minStores: 5, epsilon: 1, k: 5, minUtilityFraction: 0, maxLength: 2, topM: 5, clipQuantiles: { utility: 0.9, support: 0.9, transactionUtility: 0.9 } });
  const candidates = [['apple'], ['apple', 'bread'], ['bread']];
  const plan = planCalibration(config, { participants: 5, candidates });
  const sum = addWords(stores.map((s) => encodeCalibration(database(s), plan, { random }).vector));
  const calibration = decodeCalibration(sum, plan, 5);
  assert.ok(calibration.reliable);
  assert.ok(Math.abs(calibration.transactions - 10_000) < 12 * calibration.countStd * Math.sqrt(plan.edges.transactionUtility.length));
  // Exact 0.9-quantiles, and the bins they fall in.
  const norms = stores.flat().map((t) => (t.items.length === 1 ? t.utilities[0] : Math.hypot(t.utilities[0] + t.utilities[1], t.utilities[0], t.utilities[1]))).sort((a, b) => a - b);
  const exactNorm = norms[Math.ceil(0.9 * norms.length) - 1];
  assert.equal(calibration.clip.utility, plan.edges.utilityNorm[binOf(plan.edges.utilityNorm, exactNorm) + 1]);
  assert.equal(calibration.clip.supportCount, 3, 'transactions hold 1 or 3 candidates');
  assert.throws(() => decodeCalibration(Uint32Array.from(calibrationCounts(database(stores[0]), plan), toWord), plan, 4), /survivors/);
});
