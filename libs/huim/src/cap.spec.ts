import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bruteForce, fromTransactions, mine, mineParallel, MiningLimitError, type MineOptions, type Pattern } from './index';
import { arbDatabase } from './testing/helpers';

/**
 * Oracle of the capped result: the longest run of the full result's best itemsets (whole
 * groups of equal utility) within the count cap and the item cap.
 */
function cappedOracle(full: Pattern[], cap: number, itemCap = Infinity): { itemsets: Pattern[]; raised: boolean } {
  for (let end = 0; end <= full.length; end++) {
    const kept = full.slice(0, end);
    const next = full[end];
    const withNext = full.filter((p) => next && p.utility >= next.utility);
    if (!next) return { itemsets: kept, raised: false };
    if (withNext.length > cap || withNext.reduce((a, p) => a + p.items.length, 0) > itemCap) return { itemsets: full.filter((p) => p.utility > next.utility), raised: true };
  }
  return { itemsets: full, raised: false };
}

const arbCapped = fc.record({
  minUtility: fc.integer({ min: 0, max: 40 }),
  maxItemsets: fc.integer({ min: 1, max: 30 }),
  maxLength: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  merging: fc.constantFrom<boolean | 'auto'>(true, false, 'auto'),
});

test('property: a capped search returns exactly the best itemsets of the full result (brute force)', () => {
  fc.assert(
    fc.property(arbDatabase({ maxItems: 7, maxTx: 12 }), arbCapped, (txs, { minUtility, maxItemsets, maxLength, merging }) => {
      const db = fromTransactions(txs);
      const options: MineOptions = { minUtility, maxItemsets, merging, ...(maxLength ? { maxLength } : {}) };
      const full = bruteForce(db, { minUtility, ...(maxLength ? { maxLength } : {}) });
      const want = cappedOracle(full, maxItemsets);
      const got = mine(db, options);
      assert.deepEqual(got.itemsets, want.itemsets);
      assert.ok(got.itemsets.length <= maxItemsets, 'never more than the cap');
      assert.equal(got.stats.thresholdRaised, want.raised);
      assert.equal(got.stats.requestedMinUtility, minUtility);
      if (want.raised) assert.equal(got.stats.minUtility, full[maxItemsets].utility + 1, 'the threshold used is reported');
      else assert.equal(got.stats.minUtility, minUtility);
    }),
    { numRuns: 400 },
  );
});

test('property: capped mineParallel (2 threads) equals the capped oracle', async () => {
  await fc.assert(
    fc.asyncProperty(arbDatabase({ maxItems: 8, maxTx: 14 }), arbCapped, fc.boolean(), async (txs, { minUtility, maxItemsets, merging }, useMainThread) => {
      const db = fromTransactions(txs);
      const got = await mineParallel(db, { minUtility, maxItemsets, merging, threads: 2, useMainThread });
      const want = cappedOracle(bruteForce(db, { minUtility }), maxItemsets);
      assert.deepEqual(got.itemsets, want.itemsets);
      assert.equal(got.stats.thresholdRaised, want.raised);
    }),
    { numRuns: 30 },
  );
});

/** Dense baskets: every subset of 18 items occurs, so a threshold of 1 would give 2^18 - 1 itemsets. */
function denseDb(transactions: number, items: number) {
  const txs = [];
  for (let t = 0; t < transactions; t++) {
    const keys = Array.from({ length: items }, (_, i) => `sku-${i}`);
    txs.push({ items: keys, utilities: keys.map((_, i) => 1 + ((t * 7 + i * 13) % 23)) });
  }
  return fromTransactions(txs);
}

test('the worst request (threshold 1 on dense data) stays within the cap and says it raised the threshold', () => {
  const db = denseDb(40, 18);
  const result = mine(db, { minUtility: 1, maxItemsets: 500 });
  assert.ok(result.itemsets.length <= 500 && result.itemsets.length > 400, `kept ${result.itemsets.length}`);
  assert.equal(result.stats.thresholdRaised, true);
  assert.equal(result.stats.requestedMinUtility, 1);
  assert.ok(result.stats.minUtility > 1);
  assert.ok(result.itemsets.every((p) => p.utility >= result.stats.minUtility));
  // the same cut as mining at the raised threshold without a cap
  const exact = mine(db, { minUtility: result.stats.minUtility, maxLength: 18 });
  assert.deepEqual(result.itemsets, exact.itemsets);
});

test('a memory budget that cannot hold even the capped search fails fast with an estimate', () => {
  const db = denseDb(40, 18);
  assert.throws(
    () => mine(db, { minUtility: 1, maxItemsets: 1_000_000, memoryBudgetBytes: 1024 * 1024 }),
    (error: unknown) => error instanceof MiningLimitError && error.estimatedBytes > error.budgetBytes && /memory budget of 1 MB/.test(error.message),
  );
});

test('property: a cap on the items held keeps the best itemsets whose lengths fit (brute force)', () => {
  fc.assert(
    fc.property(arbDatabase({ maxItems: 7, maxTx: 12 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 40 }), fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }), (txs, minUtility, maxItemsetItems, maxItemsets) => {
      const db = fromTransactions(txs);
      const got = mine(db, { minUtility, maxItemsetItems, ...(maxItemsets ? { maxItemsets } : {}) });
      const want = cappedOracle(bruteForce(db, { minUtility }), maxItemsets ?? maxItemsetItems, maxItemsetItems);
      assert.deepEqual(got.itemsets, want.itemsets);
      assert.ok(got.itemsets.reduce((a, p) => a + p.items.length, 0) <= maxItemsetItems);
      assert.equal(got.stats.thresholdRaised, want.raised);
    }),
    { numRuns: 300 },
  );
});

test('long itemsets of a very low threshold are bounded by the item cap', async () => {
  const db = denseDb(40, 18);
  const result = await mineParallel(db, { minUtility: 1, maxItemsets: 100_000, maxItemsetItems: 5_000, threads: 2 });
  const items = result.itemsets.reduce((a, p) => a + p.items.length, 0);
  assert.ok(items <= 5_000 && items > 4_000, `held ${items} items`);
  assert.equal(result.stats.thresholdRaised, true);
  assert.deepEqual(result.itemsets, mine(db, { minUtility: result.stats.minUtility }).itemsets);
});

test('topK above the cap is refused', () => {
  const db = denseDb(3, 4);
  assert.throws(() => mine(db, { topK: 20, maxItemsets: 10 }), /may not exceed maxItemsets/);
  assert.throws(() => mine(db, { minUtility: 1, maxItemsets: -1 }), /maxItemsets/);
});
