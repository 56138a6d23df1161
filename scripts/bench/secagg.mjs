#!/usr/bin/env node
// Secure-aggregation benchmark (libs/secagg: Bonawitz et al. CCS 2017 + SecAgg+ graph of Bell et
// al. CCS 2020). Runs whole rounds in memory and reports server compute and the median client
// compute (each summed over all stages).
//
//   npx tsc -b libs/secagg && node scripts/bench/secagg.mjs [--reps N] [--quick]
//
// Cases:
//   A  100 clients × 10,000 entries, 30% drop after ShareKeys (before sending masked input; the
//      server must reconstruct their mask keys and recompute 30 × 70 pairwise masks) — worst case
//   B  100 clients × 10,000 entries, 30% drop after MaskedInput (i.e. just before unmasking)
//   C  500 clients × 10,000 entries, SecAgg+ graph of degree 100, 30% drop after ShareKeys
// Targets (cases A and B): server < 5 s, client median < 1 s.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const require = createRequire(import.meta.url);
const dist = new URL('../../libs/secagg/dist/index.js', import.meta.url).pathname;
if (!existsSync(dist)) {
  console.error('libs/secagg is not built: run `npx tsc -b libs/secagg` first');
  process.exit(2);
}
const { simulateRound, simulationThreshold } = require(dist);

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repsArg = args.indexOf('--reps');
const reps = repsArg >= 0 ? Number(args[repsArg + 1]) : quick ? 1 : 3;

const cases = [
  { name: 'A', clients: 100, length: 10_000, dropout: { afterShareKeys: 0.3 }, target: true },
  { name: 'B', clients: 100, length: 10_000, dropout: { afterMaskedInput: 0.3 }, target: true },
  { name: 'C', clients: quick ? 200 : 500, length: 10_000, neighbours: quick ? 40 : 100, dropout: { afterShareKeys: 0.3 }, target: false, reps: 1 },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r1 = (x) => Math.round(x * 10) / 10;

console.log(`# secagg bench — node ${process.version}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${new Date().toISOString()}`);
let ok = true;
const rows = [];
for (const c of cases) {
  const threshold = simulationThreshold(c);
  const runs = [];
  for (let i = 0; i < (c.reps ?? reps); i++) {
    const t0 = performance.now();
    const r = simulateRound({ ...c, threshold });
    const wall = performance.now() - t0;
    const line = {
      case: c.name,
      clients: c.clients,
      length: c.length,
      dropout: Object.values(c.dropout)[0],
      dropStage: Object.keys(c.dropout)[0],
      neighbours: c.neighbours ?? null,
      threshold,
      serverMs: r1(r.serverMs),
      clientMsMedian: r1(r.clientMsMedian),
      clientMsMax: r1(r.clientMsMax),
      serverStageMs: r.serverStageMs.map((x) => r1(x ?? 0)),
      correct: r.correct,
      wallMs: Math.round(wall),
      ...(r.error ? { error: r.error.message } : {}),
    };
    console.log(JSON.stringify(line));
    runs.push(line);
    if (!r.correct) ok = false;
  }
  const server = median(runs.map((x) => x.serverMs));
  const client = median(runs.map((x) => x.clientMsMedian));
  const pass = !c.target || (server < 5000 && client < 1000);
  if (!pass) ok = false;
  rows.push(
    `| ${c.name} | ${c.clients} | ${c.length} | ${Object.values(c.dropout)[0] * 100}% ${Object.keys(c.dropout)[0]} | ${c.neighbours ?? 'complete'} | ${threshold} | ${server} | ${client} | ${runs.every((x) => x.correct)} | ${c.target ? (pass ? 'yes' : 'NO') : 'n/a'} |`,
  );
}
console.log('\n| case | clients | length | dropout | graph | t | server ms (median of runs) | client median ms | correct | meets target |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
process.exit(ok ? 0 : 1);
