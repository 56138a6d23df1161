import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { bruteForce, fromTransactions } from '@tessera/huim';
import { proposeItemsets, selectCandidates, type CandidateProposal } from './candidates';
import { canonicalItemset, itemsetKey } from './itemset';
import { arbStore, database, ITEMS } from './testing/fixtures';

/** Random proposals: `stores` stores, each a ranked list of itemsets over a few products. */
const arbProposals = fc.integer({ min: 1, max: 8 }).chain((stores) =>
  fc.tuple(
    fc.constant(stores),
    fc.array(
      fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 2 }).map((ids) => ids.map((i) => ITEMS[i])), { maxLength: 10 }),
      { minLength: stores, maxLength: stores },
    ),
  ),
);

function toProposals(lists: string[][][]): CandidateProposal[] {
  return lists.map((itemsets, s) => ({ storeId: `store-${s}`, itemsets }));
}

/** Oracle: distinct stores proposing each canonical itemset, counted by brute force. */
function proposerCounts(lists: string[][][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const list of lists) {
    for (const key of new Set(list.map((items) => itemsetKey(items)))) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

test('property: the candidate list is exactly the itemsets proposed by >= k distinct stores', () => {
  fc.assert(
    fc.property(arbProposals, fc.integer({ min: 0, max: 8 }), ([stores, lists], extraK) => {
      const k = Math.min(stores, Math.min(5, stores) + extraK);
      const selection = selectCandidates(toProposals(lists), k);
      const counts = proposerCounts(lists);
      const expected = [...counts].filter(([, c]) => c >= k).map(([key]) => key).sort();
      assert.deepEqual(selection.itemsets.map((items) => itemsetKey(items)).sort(), expected);
      selection.itemsets.forEach((items, i) => {
        assert.equal(selection.proposers[i], counts.get(itemsetKey(items)));
        assert.ok(selection.proposers[i] >= k, 'never an itemset with fewer than k proposers');
        assert.deepEqual(items, canonicalItemset(items));
      });
      assert.equal(selection.eligible, expected.length);
    }),
    { numRuns: 300 },
  );
});

test('property: the order does not depend on the order in which proposals arrive', () => {
  fc.assert(
    fc.property(arbProposals, fc.integer(), ([stores, lists], seed) => {
      const proposals = toProposals(lists);
      const shuffled = proposals.slice().sort((a, b) => ((a.storeId.charCodeAt(6) * 7919 + seed) % 13) - ((b.storeId.charCodeAt(6) * 7919 + seed) % 13));
      const k = Math.min(5, stores);
      assert.deepEqual(selectCandidates(shuffled, k).itemsets, selectCandidates(proposals, k).itemsets);
    }),
  );
});

test('property: a cap keeps the candidates that a smaller top-m would have given', () => {
  fc.assert(
    fc.property(arbProposals, fc.integer({ min: 1, max: 10 }), ([stores, lists], m) => {
      const k = Math.min(5, stores);
      const truncated = selectCandidates(toProposals(lists.map((list) => list.slice(0, m))), k);
      const full = selectCandidates(toProposals(lists), k);
      if (truncated.itemsets.length === 0) return;
      // With the cap at |C(m)|, the capped list is C(m) unless itemsets tie at the boundary rank.
      const capped = selectCandidates(toProposals(lists), k, { maxCandidates: truncated.itemsets.length });
      assert.equal(capped.itemsets.length, truncated.itemsets.length);
      const truncatedKeys = new Set(truncated.itemsets.map((items) => itemsetKey(items)));
      for (const items of capped.itemsets) assert.ok(truncatedKeys.has(itemsetKey(items)), `${JSON.stringify(items)} is outside the top-${m} prefixes`);
      assert.deepEqual(capped.itemsets, full.itemsets.slice(0, capped.itemsets.length), 'the cap keeps a prefix of the uncapped order');
    }),
  );
});

test('a store counts once; k below min(5, stores) is refused', () => {
  const lists = [[['apple'], ['apple']], [['apple']], [['apple', 'bread']]];
  const selection = selectCandidates(toProposals(lists), 3, {});
  assert.deepEqual(selection.itemsets, []);
  assert.deepEqual(selectCandidates(toProposals([[['apple'], ['apple']], [['apple']]]), 2).proposers, [2]);
  assert.throws(() => selectCandidates(toProposals(lists), 2), /k-anonymity floor/);
  assert.throws(() => selectCandidates([{ storeId: 'a', itemsets: [] }, { storeId: 'a', itemsets: [] }], 2), /two proposals/);
  assert.throws(() => selectCandidates(toProposals([[[]]]), 1), /at least one item/);
});

test('property: proposals are the store top-m itemsets by local utility with local support >= minSupport (brute-force oracle)', () => {
  fc.assert(
    fc.property(arbStore(14, 6, 50), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), (transactions, topM, maxLength, minSupport) => {
      const db = database(transactions);
      const proposed = proposeItemsets(db, { topM, maxLength, minSupport });
      const oracle = bruteForce(db, { minUtility: 1, maxLength, minSupport: Math.min(1, minSupport / db.nTransactions) });
      const utility = new Map(oracle.map((p) => [itemsetKey(p.items), p.utility]));
      assert.equal(proposed.length, Math.min(topM, oracle.length));
      const utilities = proposed.map((items) => {
        const u = utility.get(itemsetKey(items));
        assert.ok(u !== undefined, `${JSON.stringify(items)} is not a high-utility itemset with enough support`);
        return u;
      });
      for (let i = 1; i < utilities.length; i++) assert.ok(utilities[i - 1] >= utilities[i], 'best first');
      if (proposed.length > 0) {
        const kth = utilities[utilities.length - 1];
        const better = oracle.filter((p) => p.utility > kth).length;
        assert.ok(better <= proposed.length, 'nothing better was left out');
      }
    }),
    { numRuns: 60 },
  );
});


test('one huge transaction does not silence a store: proposals are still found below it', () => {
  const transactions = [];
  for (let i = 0; i < 500; i++) transactions.push({ items: [`a${i % 7}`, `b${i % 11}`], utilities: [100 + (i % 13), 50 + (i % 5)] });
  transactions.push({ items: ['huge'], utilities: [1_000_000_000] });
  const proposals = proposeItemsets(fromTransactions(transactions), { topM: 10, maxLength: 2 });
  assert.equal(proposals.length, 10);
  assert.ok(!proposals.some((itemset) => itemset.includes('huge')), 'a single-basket item is not proposed (min support 2)');
});
