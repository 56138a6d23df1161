import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSpmf, SpmfParseError, toTransactions, fromTransactions, formatSpmfLine } from './index';
import { datasetsDir } from './testing/helpers';

test('readSpmf parses LF, CRLF, trailing spaces, blank and comment lines', () => {
  const text = '# comment\r\n3 5 1 2 4 6:30:1 3 5 10 6 5 \r\n\r\n3 5 2 4:20:3 3 8 6\n  3 1 4:8:1 5 2  \n@CONVERTED\n';
  const db = readSpmf(Buffer.from(text));
  assert.equal(db.nTransactions, 3);
  assert.equal(db.nItems, 6);
  assert.equal(db.totalUtility, 58);
  const tx = toTransactions(db);
  assert.deepEqual(tx[0], { items: [3, 5, 1, 2, 4, 6], utilities: [1, 3, 5, 10, 6, 5] });
  assert.deepEqual(tx[2], { items: [3, 1, 4], utilities: [1, 5, 2] });
  assert.equal(db.itemSupport[db.dictionary.idOf(3)], 3);
  assert.equal(db.itemSupport[db.dictionary.idOf(6)], 1);
  assert.deepEqual(Array.from(db.transactionUtility), [30, 20, 8]);
});

test('readSpmf reports the line number of a bad transaction utility, counts and characters', () => {
  const cases: [string, number, RegExp][] = [
    ['1 2:3:1 2\n1 2:4:1 2\n', 2, /differs from the sum/],
    ['1 2:3:1 2\n\n1 2:3:1\n', 3, /2 items but 1 utilities/],
    ['1 2:3:1 2 0\n', 1, /more utilities than items/],
    ['1 x:3:1 2\n', 1, /unexpected character/],
    ['1 2 3\n', 1, /missing ":"/],
    ['1 2:3\n', 1, /missing ":" after the transaction utility/],
    ['1 2:1:-1 2\n', 1, /negative/],
  ];
  for (const [text, line, re] of cases) {
    assert.throws(
      () => readSpmf(Buffer.from(text)),
      (e: unknown) => e instanceof SpmfParseError && e.line === line && re.test(e.message),
      `case ${JSON.stringify(text)}`,
    );
  }
});

test('readSpmf reads a file path and huge sparse ids map to dense ids', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'huim-')), 'db.txt');
  fs.writeFileSync(file, '1231525161 23:7:5 2\r\n23 4000000000:3:1 2\r\n');
  const db = readSpmf(file);
  assert.equal(db.nItems, 3);
  assert.ok(db.items.every((d) => d >= 0 && d < 3));
  assert.equal(db.dictionary.keyOf(db.dictionary.idOf(4000000000)), 4000000000);
  assert.equal(db.itemSupport[db.dictionary.idOf(23)], 2);
});

test('fromTransactions merges repeated items and validates utilities', () => {
  const db = fromTransactions([{ items: ['a', 'b', 'a'], utilities: [1, 2, 3] }, { items: [], utilities: [] }]);
  assert.equal(db.nTransactions, 2);
  assert.deepEqual(toTransactions(db), [
    { items: ['a', 'b'], utilities: [4, 2] },
    { items: [], utilities: [] },
  ]);
  assert.throws(() => fromTransactions([{ items: ['a'], utilities: [1.5] }]), /non-negative integer/);
  assert.throws(() => fromTransactions([{ items: ['a'], utilities: [-1] }]), /non-negative integer/);
  assert.throws(() => fromTransactions([{ items: ['a', 'b'], utilities: [1] }]), /2 items but 1 utilities/);
});

test('formatSpmfLine', () => {
  assert.equal(formatSpmfLine([1, 2, 3], 42), '1 2 3 #UTIL: 42');
});

// Missing datasets skip this test on a developer machine but fail it in CI (CI is set there).
const datasetsSkip = !fs.existsSync(datasetsDir()) && !process.env.CI && `no datasets at ${datasetsDir()}`;

(datasetsSkip ? test.skip : test)('every shared dataset parses with the documented shape', () => {
  const dir = datasetsDir();
  const expected: Record<string, [number, number, number]> = {
    'tiny_utility.txt': [5, 7, 96],
    'foodmart_utility_spmf.txt': [4141, 1559, 12011023],
    'chess_utility_spmf.txt': [3196, 75, 2156659],
    'mushroom_utility_spmf.txt': [8124, 119, 3413720],
    'BMS_utility_spmf.txt': [59602, 497, 108457438],
    'ecommerce_utility_spmf.txt': [14975, 3468, 497013754],
    'onlineretail_utility_spmf.txt': [19960, 3921, 1066668454],
  };
  for (const [file, [n, items, total]] of Object.entries(expected)) {
    const db = readSpmf(path.join(dir, file));
    assert.deepEqual([db.nTransactions, db.nItems, db.totalUtility], [n, items, total], file);
  }
});
