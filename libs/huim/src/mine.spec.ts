import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { bruteForce, fromTransactions, huiMiner, mine, mineParallel, MineOptions, patternsOf, readSpmf } from './index';
import { arbDatabase, datasetsDir, keySet } from './testing/helpers';

const TINY_EXPECTED = ['2 4#30', '2 5#31', '1 3 5#31', '2 3 4#34', '2 4 5#36', '2 3 5#37', '2 3 4 5#40', '1 2 3 4 5 6#30'];

function tinyDb() {
  const file = path.join(datasetsDir(), 'tiny_utility.txt');
  if (fs.existsSync(file)) return readSpmf(file);
  // the same SPMF running example, inline, if the shared datasets are not mounted
  return readSpmf(Buffer.from('3 5 1 2 4 6:30:1 3 5 10 6 5\n3 5 2 4:20:3 3 8 6\n3 1 4:8:1 5 2\n3 5 1 7:27:6 6 10 5\n3 5 2 7:11:2 3 4 2\n'));
}

test('worked example (tiny_utility.txt, minutil 30): exactly the 8 HUIs', async () => {
  const db = tinyDb();
  const want = TINY_EXPECTED.slice().sort();
  for (const merging of [true, false, 'auto'] as const) {
    for (const compaction of ['auto', 'always', 'never'] as const) {
      const r = mine(db, { minUtility: 30, merging, compaction });
      assert.deepEqual(r.itemsets.map((p) => `${p.items.join(' ')}#${p.utility}`).sort(), want, `merging=${merging} compaction=${compaction}`);
    }
  }
  const par = await mineParallel(db, { minUtility: 30, threads: 2 });
  assert.deepEqual(par.itemsets.map((p) => `${p.items.join(' ')}#${p.utility}`).sort(), want);
  // canonical order: utility descending, then shorter, then items ascending
  assert.deepEqual(
    mine(db, { minUtility: 30 }).itemsets.map((p) => p.utility),
    [40, 37, 36, 34, 31, 31, 30, 30],
  );
  const r = mine(db, { minUtility: 30 });
  assert.deepEqual(r.itemsets[4].items, [2, 5]); // {2,5}:31 (length 2) before {1,3,5}:31
  assert.deepEqual(r.itemsets[6].items, [2, 4]);
  // support / confidence of {2,3,4,5}: in transactions 1 and 2; supports of 2,3,4,5 are 3,5,3,4
  assert.deepEqual(r.itemsets[0], { items: [2, 3, 4, 5], utility: 40, support: 2, supportRatio: 2 / 5, confidence: 2 / 5 });
});

test('percentage thresholds are exact', () => {
  const db = tinyDb(); // total utility 96
  const a = mine(db, { minUtility: '31.25%' }); // exactly 30
  assert.equal(a.stats.minUtility, 30);
  assert.equal(a.itemsets.length, 8);
  const b = mine(db, { minUtility: '31.26%' }); // 30.0096 -> 31
  assert.equal(b.stats.minUtility, 31);
  assert.equal(b.itemsets.length, 6);
});

test('bad options are rejected', () => {
  const db = tinyDb();
  assert.throws(() => mine(db, {}), /exactly one of minUtility and topK/);
  assert.throws(() => mine(db, { minUtility: 1, topK: 3 }), /exactly one/);
  assert.throws(() => mine(db, { topK: 0 }), /topK/);
  assert.throws(() => mine(db, { minUtility: 'abc%' }), /invalid percentage/);
  assert.throws(() => mine(db, { minUtility: 1, maxLength: 0 }), /maxLength/);
  assert.throws(() => mine(db, { minUtility: 1, minSupport: 1.5 }), /minSupport/);
});

/** Random options covering every mode. */
const arbOptions: fc.Arbitrary<MineOptions> = fc.record(
  {
    threshold: fc.oneof(
      fc.integer({ min: 0, max: 120 }).map((v) => ({ minUtility: v }) as MineOptions),
      fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 99 })).map(([a, b]) => ({ minUtility: `${a}.${String(b).padStart(2, '0')}%` }) as MineOptions),
      fc.integer({ min: 1, max: 25 }).map((k) => ({ topK: k }) as MineOptions),
    ),
    minSupport: fc.option(fc.integer({ min: 0, max: 10 }).map((x) => x / 10), { nil: undefined }),
    maxLength: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    merging: fc.constantFrom<boolean | 'auto'>(true, false, 'auto'),
    compaction: fc.constantFrom<'auto' | 'always' | 'never'>('auto', 'always', 'never'),
  },
  { requiredKeys: ['threshold', 'merging', 'compaction'] },
).map(({ threshold, ...rest }) => {
  const o: MineOptions = { ...threshold, merging: rest.merging, compaction: rest.compaction };
  if (rest.minSupport !== undefined) o.minSupport = rest.minSupport;
  if (rest.maxLength !== undefined) o.maxLength = rest.maxLength;
  return o;
});

test('property: mine equals the brute-force enumerator (all options)', () => {
  fc.assert(
    fc.property(arbDatabase({ stringKeys: false }), arbOptions, (txs, options) => {
      const db = fromTransactions(txs);
      const res = mine(db, options);
      const want = bruteForce(db, options);
      assert.deepEqual(res.itemsets, want);
      // the flat form holds the same itemsets in the same order
      assert.deepEqual(patternsOf(res.flat), want);
      const flatOnly = mine(db, { ...options, patterns: false });
      assert.deepEqual(flatOnly.itemsets, []);
      assert.deepEqual(patternsOf(flatOnly.flat), want);
    }),
    { numRuns: 600 },
  );
});

test('property: string SKUs, duplicated transactions (merging paths)', () => {
  fc.assert(
    fc.property(
      arbDatabase({ stringKeys: true, maxTx: 6, maxItems: 6 }).map((t) => [...t, ...t, ...t.slice(0, 2)]),
      arbOptions,
      (txs, options) => {
        const db = fromTransactions(txs);
        assert.deepEqual(mine(db, options).itemsets, bruteForce(db, options));
      },
    ),
    { numRuns: 300 },
  );
});

test('property: mineParallel (2 threads, with and without the main thread) equals brute force', async () => {
  await fc.assert(
    fc.asyncProperty(arbDatabase({ maxItems: 8, maxTx: 14 }), arbOptions, fc.boolean(), async (txs, options, useMainThread) => {
      const db = fromTransactions(txs);
      const got = await mineParallel(db, { ...options, threads: 2, useMainThread });
      assert.deepEqual(got.itemsets, bruteForce(db, options));
    }),
    { numRuns: 40 },
  );
});

/** A random database of a few thousand transactions: deep search, arena growth, both projection modes. */
function mediumDb(seed: number, nTx: number, nItems: number, maxLen: number) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const txs = [];
  for (let t = 0; t < nTx; t++) {
    const len = 1 + Math.floor(rnd() ** 2 * maxLen);
    const set = new Set<number>();
    while (set.size < len) set.add(Math.floor(rnd() ** 1.5 * nItems) * 97 + 1_000_003);
    const items = [...set];
    txs.push({ items, utilities: items.map(() => Math.floor(rnd() * 50) * (1 + Math.floor(rnd() * 3))) });
  }
  return fromTransactions(txs);
}

test('medium random databases: EFIM (all modes, 1 and 2 threads) equals HUI-Miner', async () => {
  const cases: [number, number, number, number, string][] = [
    [1, 3000, 60, 12, '1%'],
    [2, 2000, 25, 20, '4%'],
    [3, 4000, 300, 40, '0.5%'],
  ];
  for (const [seed, nTx, nItems, maxLen, mu] of cases) {
    const db = mediumDb(seed, nTx, nItems, maxLen);
    const want = huiMiner(db, { minUtility: mu })
      .map((x) => ({ items: x.items.map((d) => db.dictionary.keyOf(d)).sort((a, b) => (a as number) - (b as number)), utility: x.utility, support: x.support }))
      .map((p) => `${p.items.join(' ')}#${p.utility}#${p.support}`)
      .sort();
    assert.ok(want.length > 20, `case ${seed} should find itemsets (found ${want.length})`);
    for (const merging of [true, false]) {
      for (const compaction of ['auto', 'always', 'never'] as const) {
        const got = keySet(mine(db, { minUtility: mu, merging, compaction }).itemsets);
        assert.deepEqual(got, want, `seed ${seed} merging ${merging} compaction ${compaction}`);
      }
    }
    const par = await mineParallel(db, { minUtility: mu, threads: 2 });
    assert.deepEqual(keySet(par.itemsets), want, `seed ${seed} parallel`);
    // top-k: the k best of the full result, ties at the k-th included
    const k = Math.min(15, want.length);
    const all = mine(db, { minUtility: mu }).itemsets;
    const kth = all[k - 1].utility;
    const top = mine(db, { topK: k });
    assert.deepEqual(top.itemsets, all.filter((p) => p.utility >= kth));
    const topPar = await mineParallel(db, { topK: k, threads: 2, useMainThread: false });
    assert.deepEqual(topPar.itemsets, top.itemsets);
    // support and length constraints
    const c = mine(db, { minUtility: mu, minSupport: 0.01, maxLength: 2 }).itemsets;
    assert.deepEqual(c, all.filter((p) => p.items.length <= 2 && p.support / db.nTransactions >= 0.01));
  }
});

test('zero utilities and empty transactions', () => {
  const db = fromTransactions([
    { items: [1, 2], utilities: [0, 0] },
    { items: [], utilities: [] },
    { items: [1, 3], utilities: [0, 5] },
  ]);
  // minUtility 0: every itemset occurring in a transaction
  assert.deepEqual(keySet(mine(db, { minUtility: 0 }).itemsets), keySet(bruteForce(db, { minUtility: 0 })));
  assert.equal(mine(db, { minUtility: 0 }).itemsets.length, 5);
  // top-k only returns itemsets with utility >= 1
  assert.deepEqual(mine(db, { topK: 10 }).itemsets.map((p) => p.items), [[3], [1, 3]]);
});

test('a MiningPool can be started early and reused across runs', async () => {
  const { MiningPool } = await import('./index');
  const pool = new MiningPool(1);
  try {
    for (const seed of [4, 5]) {
      const db = mediumDb(seed, 1500, 40, 10);
      const single = mine(db, { minUtility: '1%' });
      const par = await mineParallel(db, { minUtility: '1%', pool, threads: 2 });
      assert.deepEqual(par.itemsets, single.itemsets);
      assert.ok(single.itemsets.length > 0);
    }
  } finally {
    await pool.close();
  }
});
