import * as assert from 'node:assert/strict';
import { clientId, simulateRound } from '@tessera/secagg';
import { selectCandidates, proposeItemsets } from './candidates';
import { roundConfig } from './config';
import { decodeAggregate } from './decode';
import { encodeContribution } from './encode';
import { addWords } from './noise';
import { planRound } from './plan';
import { database, testRandom } from './testing/fixtures';
import type { InputTransaction } from '@tessera/huim';

/** Five small stores with overlapping baskets, a few per store differing. */
function stores(): InputTransaction[][] {
  const random = testRandom('secagg-stores');
  const products = ['apple', 'bread', 'cheese', 'dates', 'eggs', 'flour'];
  return Array.from({ length: 5 }, () =>
    Array.from({ length: 60 }, () => {
      const items = products.filter(() => random.nextUint32() % 3 === 0);
      const basket = items.length ? items : ['bread'];
      return { items: basket, utilities: basket.map(() => 50 + (random.nextUint32() % 900)) };
    }),
  );
}

function round(minStores: number) {
  const transactions = stores();
  const dbs = transactions.map(database);
  const config = roundConfig({ minStores, epsilon: 4, k: 5, minUtilityFraction: 0, maxLength: 2, topM: 15, calibrationShare: 0 });
  const proposals = dbs.map((db, s) => ({ storeId: `store-${s}`, itemsets: proposeItemsets(db, config) }));
  const selection = selectCandidates(proposals, config.k);
  assert.ok(selection.itemsets.length > 0);
  const plan = planRound(config, { participants: 5, candidates: selection, clip: { utility: 1500, supportCount: 4, transactionUtility: 4000 } });
  const random = testRandom(`secagg-noise-${minStores}`);
  const vectors = dbs.map((db) => encodeContribution(db, plan, { random }).vector);
  return { plan, vectors };
}

test('libs/secagg simulateRound over five stores\' encoded vectors decodes to the same release as the plain sum', () => {
  const { plan, vectors } = round(5);
  const simulation = simulateRound({ clients: 5, length: plan.layout.length, inputs: (i) => vectors[i], serialize: true });
  assert.ok(simulation.ok && simulation.result, `secure aggregation failed: ${simulation.error?.message}`);
  assert.deepEqual(Array.from(simulation.result.sum), Array.from(addWords(vectors)));
  assert.deepEqual(decodeAggregate(simulation.result.sum, plan, 5), decodeAggregate(addWords(vectors), plan, 5));
});

test('a store dropping out after sending keys: the survivors\' sum decodes, with noise for four stores', () => {
  const { plan, vectors } = round(4);
  const simulation = simulateRound({ clients: 5, length: plan.layout.length, inputs: (i) => vectors[i], drop: { afterShareKeys: [2] } });
  assert.ok(simulation.ok && simulation.result, `secure aggregation failed: ${simulation.error?.message}`);
  const survivors = simulation.result.contributors;
  assert.equal(survivors.length, 4);
  assert.ok(!survivors.includes(clientId(2, 5)));
  const plain = addWords(vectors.filter((_, i) => i !== 2));
  assert.deepEqual(Array.from(simulation.result.sum), Array.from(plain));
  const release = decodeAggregate(simulation.result.sum, plan, survivors.length);
  assert.deepEqual(release, decodeAggregate(plain, plan, 4));
  assert.equal(release.noise.survivors, 4);
  assert.ok(release.patterns.every((p) => p.contributingStores === 4));
  assert.throws(() => decodeAggregate(simulation.result!.sum, plan, 3), /survivors/);
});
