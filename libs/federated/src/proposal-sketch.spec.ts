import assert from 'node:assert/strict';
import { selectCandidates } from './candidates';
import { itemsetKey } from './itemset';
import { ProposalSketchSession, proposalSketchVector, type ProposalSketchPlan } from './proposal-sketch';
import { testRandom } from './testing/fixtures';

/** Runs a sketch session over plain sums (what secure aggregation reveals). */
function runSession(stores: string[][][], k: number, buckets?: number, onPlan?: (plan: ProposalSketchPlan) => void) {
  const session = new ProposalSketchSession('round-1', k, 4, buckets);
  for (let plan = session.next(); plan; plan = session.next()) {
    onPlan?.(plan);
    const vectors = stores.map((proposals) => proposalSketchVector(proposals, plan!));
    session.receive(vectors.reduce((a, b) => a.map((v, i) => v + b[i])));
  }
  return { session };
}

function randomStores(seed: string, stores: number, perStore: number, universe: number): string[][][] {
  const random = testRandom(seed);
  return Array.from({ length: stores }, () =>
    Array.from({ length: perStore }, () => {
      const size = 1 + (random.nextUint32() % 3);
      return Array.from({ length: size }, () => `sku-${random.nextUint32() % universe}`);
    }),
  );
}

describe('proposal sketch', () => {
  for (const buckets of [65_536, 256, 64]) {
    it(`recovers exactly the itemsets at least k stores proposed, with their counts (brute-force oracle, ${buckets} buckets)`, () => {
      for (const seed of ['a', 'b', 'c']) {
        const stores = randomStores(`${seed}-${buckets}`, 7, 60, 9);
        for (const k of [5, 6, 7]) {
          const oracle = selectCandidates(stores.map((itemsets, i) => ({ storeId: `s${i}`, itemsets })), k);
          const { session } = runSession(stores, k, buckets);
          const sketch = session.selection();
          const asMap = (s: typeof oracle) => new Map(s.itemsets.map((items, i) => [itemsetKey(items), s.proposers[i]]));
          assert.deepEqual(asMap(sketch), asMap(oracle), `seed ${seed}, k ${k}`);
          assert.equal(session.unresolved, 0);
        }
      }
    });
  }

  it('never lets the hub decode an itemset fewer than k stores proposed, even when it shares a bucket', () => {
    // Eight buckets force collisions; the planted itemset is proposed by one store only.
    const stores = randomStores('planted', 5, 40, 8);
    stores[0].push(['planted-7654321']);
    let identityAggregations = 0;
    const { session } = runSession(stores, 5, 8, (plan) => {
      if (plan.kind !== 'tessera.federated.proposal-identities/v1') return;
      identityAggregations++;
      // What the planted itemset adds to this aggregation, as its store would: nothing, ever.
      assert.ok(proposalSketchVector([['planted-7654321']], plan).every((v) => v === 0), 'the single-store itemset is never encoded into an identity sum');
      // And every slot the hub decodes holds one itemset only, proposed by k or more stores.
      const contributors = new Map<number, Set<string>>();
      for (const store of stores) {
        for (const items of store) {
          const vector = proposalSketchVector([items], plan);
          const slot = vector.findIndex((v, i) => i % (plan.words + 1) !== 0 && v !== 0);
          if (slot >= 0) {
            const index = Math.floor(slot / (plan.words + 1));
            contributors.set(index, (contributors.get(index) ?? new Set()).add(itemsetKey([...items].sort())));
          }
        }
      }
      for (const keys of contributors.values()) assert.equal(keys.size, 1, 'a slot mixes two itemsets');
    });
    assert.ok(identityAggregations >= 1);
    assert.ok(!session.selection().itemsets.some((items) => items.includes('planted-7654321')));
  });
});
