import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bruteForce, fromTransactions, measure, mine } from './index';
import { arbDatabase } from './testing/helpers';

test('property: measure gives the brute-force utility, support and confidence of every itemset', () => {
  fc.assert(
    fc.property(arbDatabase({ maxItems: 8, maxTx: 15 }), (txs) => {
      const db = fromTransactions(txs);
      const all = bruteForce(db, { minUtility: 0 });
      assert.deepEqual(measure(db, all), all);
      // also as plain key arrays, in any item order
      const m2 = measure(db, all.map((p) => p.items.slice().reverse()));
      assert.deepEqual(
        m2.map((p) => [p.utility, p.support]),
        all.map((p) => [p.utility, p.support]),
      );
    }),
    { numRuns: 300 },
  );
});

test('measure: unknown items, absent itemsets, duplicates', () => {
  const db = fromTransactions([
    { items: ['a', 'b'], utilities: [1, 2] },
    { items: ['b', 'c'], utilities: [3, 4] },
  ]);
  const [u, absent, dup] = measure(db, [['a', 'zzz'], ['a', 'c'], ['b', 'b']]);
  assert.deepEqual([u.utility, u.support, u.confidence], [0, 0, 0]);
  assert.deepEqual([absent.utility, absent.support], [0, 0]);
  assert.deepEqual([dup.utility, dup.support, dup.supportRatio], [5, 2, 1]);
});

test('measure: thousands of itemsets over a 200k-transaction database', () => {
  let s = 7;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const txs = [];
  for (let t = 0; t < 200_000; t++) {
    const items = new Set<number>();
    const len = 1 + Math.floor(rnd() * 8);
    while (items.size < len) items.add(1 + Math.floor(rnd() ** 2 * 500));
    const it = [...items];
    txs.push({ items: it, utilities: it.map(() => 1 + Math.floor(rnd() * 100)) });
  }
  const db = fromTransactions(txs);
  const found = mine(db, { minUtility: '0.03%', maxLength: 3 }).itemsets;
  assert.ok(found.length > 1000, `expected >1000 itemsets, got ${found.length}`);
  const t0 = performance.now();
  const m = measure(db, found);
  const ms = performance.now() - t0;
  assert.deepEqual(m, found);
  assert.ok(ms < 5000, `measure took ${ms} ms`);
});
