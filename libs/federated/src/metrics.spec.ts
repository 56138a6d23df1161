import * as assert from 'node:assert/strict';
import { fromTransactions } from '@tessera/huim';
import { epsilonToRho } from '@tessera/privacy';
import { median, medianRelativeError, precisionAtK, recallAtK } from './metrics';
import { naiveRelease, centralRelease } from './reference-release';
import { roundConfig } from './config';
import { planRound } from './plan';
import { clippedSum } from './encode';
import { itemsetKey } from './itemset';
import { testRandom } from './testing/fixtures';

const exact = [{ items: ['a'] }, { items: ['b'] }, { items: ['c'] }, { items: ['d'] }];

test('precision@k counts empty slots as wrong; recall@k looks at everything published', () => {
  assert.equal(precisionAtK([{ items: ['b'] }, { items: ['a'] }, { items: ['d'] }], exact, 2), 1);
  assert.equal(precisionAtK([{ items: ['b'] }, { items: ['d'] }, { items: ['a'] }], exact, 2), 0.5);
  assert.equal(precisionAtK([{ items: ['a'] }], exact, 2), 0.5, 'publishing less cannot look more precise');
  assert.equal(recallAtK([{ items: ['d'] }, { items: ['z'] }, { items: ['a'] }], exact, 2), 0.5);
  assert.equal(recallAtK([{ items: ['b', 'a'] }], [{ items: ['a', 'b'] }], 1), 1, 'itemsets compare canonically');
  assert.throws(() => precisionAtK([], exact, 0), /positive integer/);
});

test('median relative error skips itemsets without an exact utility', () => {
  const truth = new Map([
    [itemsetKey(['a']), 100],
    [itemsetKey(['b']), 200],
    [itemsetKey(['c']), 400],
  ]);
  assert.equal(medianRelativeError([{ items: ['a'], utility: 110 }, { items: ['b'], utility: 150 }, { items: ['c'], utility: 400 }, { items: ['x'], utility: 5 }], truth), 0.1);
  assert.equal(medianRelativeError([{ items: ['a'], utility: 110 }, { items: ['b'], utility: 150 }], truth, 1), 0.1);
  assert.equal(median([3, 1, 2, 10]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('the naive release clips at the non-private quantile and ranks by noisy utility', () => {
  const transactions = Array.from({ length: 200 }, (_, i) => ({ items: ['a', 'b'], utilities: [i === 0 ? 1e6 : 100, 50] }));
  const db = fromTransactions(transactions);
  const release = naiveRelease(db, [['a'], ['b'], ['a', 'b']], { epsilon: 50, clipQuantile: 0.99, random: testRandom('naive') });
  assert.ok(release.clip < 1e6, 'the one huge basket is above the 99th percentile');
  assert.deepEqual(release.patterns[0].items, ['a', 'b']);
  assert.ok(Math.abs(release.patterns[0].utility - 200 * 150) < 0.05 * 200 * 150 + 5 * release.sigma);
});

test('the central release adds one draw of the central σ to the sum of the stores\' clipped vectors', () => {
  const config = roundConfig({ minStores: 2, epsilon: 8, k: 2, minUtilityFraction: 0, maxLength: 2, topM: 5, calibrationShare: 0 });
  const stores = [0, 1].map((s) => fromTransactions(Array.from({ length: 300 }, (_, i) => ({ items: ['a', 'b'], utilities: [100 + s, 10 + (i % 7)] }))));
  const plan = planRound(config, { participants: 2, candidates: [['a'], ['a', 'b']], clip: { utility: 500, supportCount: 2, transactionUtility: 1000 } });
  const exactSum = clippedSum(stores[0], plan).values.map((v, i) => v + clippedSum(stores[1], plan).values[i]);
  const release = centralRelease(stores, plan, { random: testRandom('central') });
  const ab = release.patterns.find((p) => p.items.join() === 'a,b');
  assert.ok(ab);
  assert.ok(Math.abs(ab.utility - exactSum[1] / plan.quantisation.utilityScale) < 6 * release.noise.utilityStd);
  assert.equal(release.noise.mechanism, 'central-discrete-gaussian');
  assert.ok(release.privacy.roundRho <= epsilonToRho(8, 1e-5) * (1 + 1e-12));
});
