import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mineCommand } from './mine';
import { runCommand } from '../testing/run-command';

const run = (argv: string[]) => runCommand(mineCommand, argv);

const TINY = '3 5 1 2 4 6:30:1 3 5 10 6 5\r\n3 5 2 4:20:3 3 8 6\r\n3 1 4:8:1 5 2\r\n3 5 1 7:27:6 6 10 5\r\n3 5 2 7:11:2 3 4 2\r\n';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-mine-'));
const tiny = path.join(dir, 'tiny.txt');
fs.writeFileSync(tiny, TINY);

const EXPECTED_SPMF = [
  '2 3 4 5 #UTIL: 40',
  '2 3 5 #UTIL: 37',
  '2 4 5 #UTIL: 36',
  '2 3 4 #UTIL: 34',
  '2 5 #UTIL: 31',
  '1 3 5 #UTIL: 31',
  '2 4 #UTIL: 30',
  '1 2 3 4 5 6 #UTIL: 30',
];

test('mine --min-util 30 writes the 8 HUIs in SPMF format, 1 and 2 threads', async () => {
  for (const threads of ['1', '2']) {
    const r = await run(['--input', tiny, '--min-util', '30', '--threads', threads]);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.out.trimEnd().split('\n'), EXPECTED_SPMF);
  }
  // "mine" as first argument and --flag=value are accepted; 31.25% of 96 = 30
  const r = await run(['mine', '--input=' + tiny, '--min-util=31.25%']);
  assert.deepEqual(r.out.trimEnd().split('\n'), EXPECTED_SPMF);
});

test('mine --top-k, --max-length, --min-support, csv and json output, --output file, --stats', async () => {
  const top = await run(['--input', tiny, '--top-k', '3']);
  assert.deepEqual(top.out.trimEnd().split('\n'), EXPECTED_SPMF.slice(0, 3));
  const ml = await run(['--input', tiny, '--min-util', '30', '--max-length', '2', '--output-format', 'csv']);
  assert.deepEqual(ml.out.trimEnd().split('\n'), ['items,utility,support,support_ratio,confidence', '2 5,31,3,0.6,0.75', '2 4,30,2,0.4,0.6666666666666666']);
  const out = path.join(dir, 'out.json');
  const js = await run(['--input', tiny, '--min-util', '30', '--min-support', '0.6', '--output-format', 'json', '--output', out, '--stats']);
  assert.equal(js.code, 0, js.err);
  assert.equal(js.out, '');
  const parsed = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.deepEqual(parsed, [
    { items: [2, 3, 5], utility: 37, support: 3, supportRatio: 0.6, confidence: 0.6 },
    { items: [2, 5], utility: 31, support: 3, supportRatio: 0.6, confidence: 0.75 },
  ]);
  const stats = JSON.parse(js.err.trim());
  assert.deepEqual(Object.keys(stats), ['ms', 'peakRssMb', 'itemsets', 'transactions']);
  assert.equal(stats.itemsets, 2);
  assert.equal(stats.transactions, 5);
  assert.ok(stats.ms > 0 && stats.peakRssMb > 0);
});

test('bad arguments exit 2 with a clear message', async () => {
  const cases: [string[], RegExp][] = [
    [['--min-util', '30'], /--input FILE is required/],
    [['--input', tiny], /exactly one of --min-util and --top-k/],
    [['--input', tiny, '--min-util', '30', '--top-k', '3'], /exactly one/],
    [['--input', tiny, '--min-util', 'lots'], /--min-util must be/],
    [['--input', tiny, '--top-k', '0'], /--top-k must be a positive integer/],
    [['--input', tiny, '--min-util', '1', '--format', 'xml'], /--format must be one of/],
    [['--input', tiny, '--min-util', '1', '--output-format', 'xml'], /--output-format must be one of/],
    [['--input', tiny, '--min-util', '1', '--min-support', '2'], /--min-support must be a fraction/],
    [['--input', tiny, '--min-util', '1', '--bogus'], /unknown argument "--bogus"/],
    [['--input', tiny, '--min-util'], /--min-util needs a value/],
  ];
  for (const [argv, re] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, re, argv.join(' '));
    assert.match(r.err, /usage: tessera mine/);
  }
});

test('runtime errors exit 1: missing file, invalid SPMF line', async () => {
  const missing = await run(['--input', path.join(dir, 'nope.txt'), '--min-util', '1']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /ENOENT|no such file/);
  const bad = path.join(dir, 'bad.txt');
  fs.writeFileSync(bad, '1 2:3:1 2\n1 2:9:1 2\n');
  const r = await run(['--input', bad, '--min-util', '1']);
  assert.equal(r.code, 1);
  assert.match(r.err, /line 2: transaction utility 9 differs/);
});

test('non-spmf formats are read through @tessera/formats (SKU keys, utilities in cents)', async () => {
  let hasFormats = false;
  try {
    hasFormats = typeof require('@tessera/formats').parseTransactions === 'function';
  } catch {
    hasFormats = false;
  }
  const csv = path.join(dir, 'seed.csv');
  // baskets: {A,B} twice and {A,C}; utilities = quantity x unit utility, in cents; line 5 is invalid
  fs.writeFileSync(csv, 'items,quantities,unit_utilities\nA|B,2|1,1.50|2\nA|B,1|1,1.50|2\nA|C,1|1,1.50|0.25\nA,x,1\n');
  const r = await run(['--input', csv, '--format', 'seed-csv', '--min-util', '500', '--output-format', 'csv']);
  if (!hasFormats) {
    assert.equal(r.code, 2);
    assert.match(r.err, /--format seed-csv is not yet supported/);
    return;
  }
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /:5: .*record skipped/);
  // A: 300 + 150 + 150 = 600; B: 200 + 200 = 400; {A,B}: 500 + 350 = 850
  assert.deepEqual(r.out.trimEnd().split('\n'), ['items,utility,support,support_ratio,confidence', 'A B,850,2,0.6666666666666666,0.6666666666666666', 'A,600,3,1,1']);
});
