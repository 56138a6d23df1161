/**
 * EFIM against the independent HUI-Miner (utility lists + EUCS) on every shared dataset,
 * two thresholds each (chosen so that this file runs in well under a minute of CPU).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { huiMiner, measure, mine, mineParallel, readSpmf, UtilityDatabase } from './index';
import { datasetsDir, keySet } from './testing/helpers';

interface Case {
  minUtility: number | string;
  maxLength?: number;
  /** itemset count of SPMF's EFIM at this threshold (reference table), when known */
  expect?: number;
}

const CASES: Record<string, Case[]> = {
  'foodmart_utility_spmf.txt': [{ minUtility: 6006, expect: 6266 }, { minUtility: '0.1%' }],
  'chess_utility_spmf.txt': [{ minUtility: 539165, expect: 6406 }, { minUtility: '30%' }],
  'mushroom_utility_spmf.txt': [{ minUtility: 341372, expect: 9594 }, { minUtility: '12%' }],
  'BMS_utility_spmf.txt': [{ minUtility: 2494521, expect: 5 }, { minUtility: '3%' }],
  'ecommerce_utility_spmf.txt': [{ minUtility: '0.5%' }, { minUtility: '0.2%' }],
  'onlineretail_utility_spmf.txt': [{ minUtility: '1.5%' }, { minUtility: '1.3%' }, { minUtility: '0.9%', maxLength: 2 }],
};

const dir = datasetsDir();
// Missing datasets skip these tests on a developer machine but fail them in CI (CI is set there).
const skip = !fs.existsSync(dir) && !process.env.CI && `no datasets at ${dir}`;

function oracleKeys(db: UtilityDatabase, c: Case): string[] {
  return huiMiner(db, { minUtility: c.minUtility, maxLength: c.maxLength })
    .map((x) => `${x.items.map((d) => db.dictionary.keyOf(d) as number).sort((a, b) => a - b).join(' ')}#${x.utility}#${x.support}`)
    .sort();
}

for (const [file, cases] of Object.entries(CASES)) {
  (skip ? test.skip : test)(`${file}: EFIM equals HUI-Miner at ${cases.map((c) => c.minUtility + (c.maxLength ? ` (maxLength ${c.maxLength})` : '')).join(', ')}`, () => {
    const db = readSpmf(path.join(dir, file));
    for (const c of cases) {
      const r = mine(db, { minUtility: c.minUtility, maxLength: c.maxLength });
      const got = keySet(r.itemsets);
      if (c.expect !== undefined) assert.equal(got.length, c.expect, `${file} @ ${c.minUtility}: reference count`);
      const want = oracleKeys(db, c);
      assert.equal(got.length, want.length, `${file} @ ${c.minUtility}: count`);
      assert.deepEqual(got, want, `${file} @ ${c.minUtility}: itemsets and utilities`);
    }
  });
}

(skip ? test.skip : test)('mushroom: 2 threads give the identical (ordered) result; measure() agrees with mining', async () => {
  const db = readSpmf(path.join(dir, 'mushroom_utility_spmf.txt'));
  const single = mine(db, { minUtility: '12%' });
  const par = await mineParallel(db, { minUtility: '12%', threads: 2 });
  assert.deepEqual(par.itemsets, single.itemsets);
  const measured = measure(db, single.itemsets);
  assert.deepEqual(measured, single.itemsets);
});

(skip ? test.skip : test)('onlineretail: top-k equals the k best of a threshold run, also with 2 threads', async () => {
  const db = readSpmf(path.join(dir, 'onlineretail_utility_spmf.txt'));
  const all = mine(db, { minUtility: '1.3%' }).itemsets;
  const k = 6;
  const kth = all[k - 1].utility;
  const expected = all.filter((p) => p.utility >= kth);
  assert.deepEqual(mine(db, { topK: k }).itemsets, expected);
  assert.deepEqual((await mineParallel(db, { topK: k, threads: 2 })).itemsets, expected);
});
