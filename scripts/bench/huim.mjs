#!/usr/bin/env node
// Benchmark of the HUIM engine (libs/huim) through the `tessera mine` command code path.
//
//   node scripts/bench/huim.mjs [--quick] [--runs N] [--threads 1,2] [--only chess,BMS] [--json FILE]
//
// Every measurement is a fresh child process that runs mineCommand() from
// apps/cli/dist/commands/mine.js (falls back to the library if the CLI is not built) with
// --stats: ms = wall time from starting to read the input to having written the last itemset
// (SPMF output to a temp file), peakRssMb = the child's peak resident set size.
// Reported: median of N runs (default 5; --quick: 1), for 1 and 2 threads.
// Itemset counts are checked against the SPMF reference counts where known.
// Build first: npx tsc -b libs/huim apps/cli
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const datasets = process.env.TESSERA_DATASETS ?? resolve(root, '../shared/datasets');
const cliPath = join(root, 'apps/cli/dist/commands/mine.js');
const libPath = join(root, 'libs/huim/dist/index.js');

// ---------------------------------------------------------------- child mode
if (process.argv[2] === '--child') {
  const [input, minUtil, threads, output, format] = process.argv.slice(3);
  const argv = ['--input', input, '--min-util', minUtil, '--threads', threads, '--output', output, '--stats', ...(format ? ['--format', format] : [])];
  let stats;
  if (existsSync(cliPath)) {
    const { mineCommand } = await import(pathToFileURL(cliPath).href);
    let err = '';
    const stderr = { write: (s) => ((err += s), true), on() {}, once() {}, emit() {} };
    const code = await mineCommand(argv, { stdout: process.stdout, stderr });
    if (code !== 0) {
      process.stderr.write(err);
      process.exit(code);
    }
    stats = JSON.parse(err.trim().split('\n').pop());
  } else {
    const huim = await import(pathToFileURL(libPath).href);
    const t0 = performance.now();
    const db = huim.readSpmf(input);
    const mu = minUtil.endsWith('%') ? minUtil : Number(minUtil);
    const r = Number(threads) > 1 ? await huim.mineParallel(db, { minUtility: mu, threads: Number(threads) }) : huim.mine(db, { minUtility: mu });
    writeFileSync(output, r.itemsets.map((p) => `${p.items.join(' ')} #UTIL: ${p.utility}\n`).join(''));
    stats = { ms: performance.now() - t0, peakRssMb: process.resourceUsage().maxRSS / 1024, itemsets: r.itemsets.length, transactions: db.nTransactions };
  }
  process.stdout.write(JSON.stringify(stats) + '\n');
  process.exit(0);
}

// ---------------------------------------------------------------- parent
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const quick = args.includes('--quick');
const runs = Number(opt('--runs', quick ? 1 : 5));
const threadList = opt('--threads', '1,2').split(',').map(Number);
const only = opt('--only', '')
  .split(',')
  .filter(Boolean)
  .map((s) => s.toLowerCase());
const jsonOut = opt('--json', '');

// SPMF 2.66 EFIM reference (incl. reading input and writing output)
const REF = {
  foodmart: { minUtil: '6006', itemsets: 6266, ms: 587, heapMb: 16.6 },
  chess: { minUtil: '539165', itemsets: 6406, ms: 281, heapMb: 33.4 },
  mushroom: { minUtil: '341372', itemsets: 9594, ms: 232, heapMb: 28.2 },
  BMS: { minUtil: '2494521', itemsets: 5, ms: 2670, heapMb: 20.2 },
};
const PLAN = [
  ['foodmart', 'foodmart_utility_spmf.txt', ['6006', '0.03%', '0.01%']],
  ['chess', 'chess_utility_spmf.txt', ['539165', '22%', '20%']],
  ['mushroom', 'mushroom_utility_spmf.txt', ['341372', '8%', '5%']],
  ['BMS', 'BMS_utility_spmf.txt', ['2494521', '2%', '1.9%']],
  ['ecommerce', 'ecommerce_utility_spmf.txt', ['0.5%', '0.2%', '0.15%']],
  ['onlineretail', 'onlineretail_utility_spmf.txt', ['1.5%', '1%', '0.9%']],
  // The raw line-item CSV through our own parser (libs/formats): utility = quantity x price in pence.
  ['onlineretail-csv', 'OnlineRetail.csv', ['1.5%', '1%'], 'lineitem-csv'],
];

const tmp = mkdtempSync(join(tmpdir(), 'huim-bench-'));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const results = [];
console.log(`# huim benchmark: ${runs} run(s) per cell, node ${process.version}, ${new Date().toISOString()}`);
console.log(`# engine via ${existsSync(cliPath) ? 'apps/cli mineCommand' : 'libs/huim (CLI not built)'}`);
console.log('| dataset | min utility | itemsets | 1 thread ms | 2 threads ms | speed-up | peak RSS MB (1t / 2t) | SPMF EFIM ms | vs SPMF (1t) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, file, thresholds, format] of PLAN) {
  if (only.length && !only.includes(name.toLowerCase())) continue;
  const input = join(datasets, file);
  if (!existsSync(input)) {
    console.log(`| ${name} | – | missing ${input} | | | | | | |`);
    continue;
  }
  for (const mu of thresholds) {
    const row = { dataset: name, minUtil: mu, byThreads: {} };
    for (const th of threadList) {
      const ms = [];
      const rss = [];
      let itemsets = -1;
      for (let r = 0; r < runs; r++) {
        const out = join(tmp, `out-${name}-${th}.txt`);
        const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', input, mu, String(th), out, ...(format ? [format] : [])], { encoding: 'utf8', maxBuffer: 1 << 26 });
        if (res.status !== 0) {
          console.error(res.stderr);
          throw new Error(`child failed for ${name} ${mu} threads=${th}`);
        }
        const st = JSON.parse(res.stdout.trim().split('\n').pop());
        ms.push(st.ms);
        rss.push(st.peakRssMb);
        if (itemsets >= 0 && itemsets !== st.itemsets) throw new Error(`itemset count changed between runs: ${itemsets} vs ${st.itemsets}`);
        itemsets = st.itemsets;
      }
      row.byThreads[th] = { ms: median(ms), rssMb: median(rss), all: ms };
      row.itemsets = itemsets;
    }
    const ref = REF[name] && REF[name].minUtil === mu ? REF[name] : undefined;
    if (ref && ref.itemsets !== row.itemsets) throw new Error(`${name} @ ${mu}: ${row.itemsets} itemsets, SPMF reference has ${ref.itemsets}`);
    const t1 = row.byThreads[1]?.ms;
    const t2 = row.byThreads[2]?.ms;
    const f = (x) => (x === undefined ? '–' : x.toFixed(0));
    console.log(
      `| ${name} | ${mu} | ${row.itemsets.toLocaleString('en-US')} | ${f(t1)} | ${f(t2)} | ${t1 && t2 ? (t1 / t2).toFixed(2) + '×' : '–'} | ${f(row.byThreads[1]?.rssMb)} / ${f(row.byThreads[2]?.rssMb)} | ${ref ? ref.ms : '–'} | ${ref && t1 ? (ref.ms / t1).toFixed(1) + '× faster' : '–'} |`,
    );
    results.push(row);
  }
}
rmSync(tmp, { recursive: true, force: true });
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 2));
