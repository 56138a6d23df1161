#!/usr/bin/env node
// The distribution of precision@20 of ONE federated round at exactly the setting of
// e2e/federation.e2e-spec.ts ("a round completes across five stores ..."): Foodmart split
// round-robin over 5 stores (line n to store n mod 5) with the test's planted baskets, ε = 4,
// δ = 1e-5, k = 5, topM = 1000, max length 3, survivors threshold 4, private clip calibration;
// the reference is central EFIM's top 20 (max length 3) on the real data. The e2e test's bar
// is set from this distribution so its failure probability can be stated
// (docs/privacy-utility.md, "The end-to-end test's bar").
//
//   npx tsc -b libs/federated && node scripts/study/e2e-precision-bar.mjs [--seeds 400]
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const datasets = process.env.TESSERA_DATASETS ?? resolve(root, '../shared/datasets');
const require = createRequire(import.meta.url);
const federated = require(join(root, 'libs/federated/dist/index.js'));
const huim = require(join(root, 'libs/huim/dist/index.js'));
const privacy = require(join(root, 'libs/privacy/dist/index.js'));
const args = process.argv.slice(2);
const seeds = Number(args[args.indexOf('--seeds') + 1] || 400);
const file = join(datasets, 'foodmart_utility_spmf.txt');
if (!existsSync(file)) {
  console.error(`${file} not found`);
  process.exit(2);
}

const STORES = 5;
const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => l.trim());
const storeLines = Array.from({ length: STORES }, (_, s) => {
  const part = lines.filter((_, n) => n % STORES === s);
  if (s === 0) part.push('7654321:987654321:987654321', '7654321:987654321:987654321');
  part.push(`1373:${31_337_000 + s}:${31_337_000 + s}`);
  return part;
});
const stores = storeLines.map((part) => huim.readSpmf(part.join('\n') + '\n', { isContent: true }));
const exact = huim.mine(huim.readSpmf(file), { topK: 20, maxLength: 3 }).itemsets.map((p) => p.items.map(String).sort().join(' '));
const config = federated.roundConfig({ minStores: 4, epsilon: 4, delta: 1e-5, k: 5, minUtilityFraction: 0, maxLength: 3, topM: 1000 });
const proposals = stores.map((db, s) => ({ storeId: `s${s}`, itemsets: federated.proposeItemsets(db, { topM: 1000, maxLength: 3, minSupport: 2 }) }));
// The candidate set of the proposal sketch (ProposalSketchSession) is selectCandidates' set.
const selection = federated.selectCandidates(proposals, 5);
const calibrationPlan = federated.planCalibration(config, { participants: STORES, candidates: selection });
const precisions = [];
const sigmas = [];
for (let seed = 0; seed < seeds; seed++) {
  const random = privacy.seededRandomSource(Buffer.from(`e2e-bar/${seed}`).toString('hex'));
  const calibrated = federated.addWords(stores.map((db) => federated.encodeCalibration(db, calibrationPlan, { random }).vector));
  const clip = federated.decodeCalibration(calibrated, calibrationPlan, STORES).clip;
  const plan = federated.planRound(config, { participants: STORES, candidates: selection, clip, calibration: calibrationPlan });
  const release = federated.decodeAggregate(federated.addWords(stores.map((db) => federated.encodeContribution(db, plan, { random }).vector)), plan, STORES);
  const published = release.patterns.slice(0, 20).map((p) => p.items.map(String).sort().join(' '));
  precisions.push(published.filter((key) => exact.includes(key)).length / 20);
  // What the hub publishes as the round's utilitySigmaCents (the test reads it).
  sigmas.push(release.noise.utilityStd);
}
const hits = precisions.map((p) => Math.round(p * 20));
const mean = hits.reduce((a, b) => a + b, 0) / hits.length;
const variance = hits.reduce((a, b) => a + (b - mean) ** 2, 0) / (hits.length - 1);
const histogram = new Map();
for (const h of hits) histogram.set(h, (histogram.get(h) ?? 0) + 1);
console.log(`${seeds} seeds, ${selection.itemsets.length} candidates`);
console.log(`hits of 20: mean ${mean.toFixed(2)}, sd ${Math.sqrt(variance).toFixed(2)}, min ${Math.min(...hits)}, max ${Math.max(...hits)}`);
console.log(`histogram ${[...histogram].sort((a, b) => a[0] - b[0]).map(([h, c]) => `${h}:${c}`).join(' ')}`);
// Exact (Clopper-Pearson) 95% upper bound on P[hits <= b] from the seeds: the test's failure
// probability if its bar is b + 1 hits. (A normal fit understates the tail: rounds whose private
// clip calibration overshoots, e.g. a clip of 8192 instead of 2048, have 4x the noise.)
function binomialCdf(k, n, p) {
  // In log space: (1 - p)^n underflows for the large n and p of the upper rows.
  let logTerm = n * Math.log1p(-p);
  let sum = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log((n - i + 1) / i) + Math.log(p / (1 - p));
    sum += Math.exp(logTerm);
  }
  return Math.min(1, sum);
}
function upperBound(k, n) {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (binomialCdf(k, n, mid) > 0.05) lo = mid;
    else hi = mid;
  }
  return hi;
}
for (let b = 0; b <= 12; b++) {
  const k = hits.filter((h) => h <= b).length;
  console.log(`bar ${b + 1} hits (precision >= ${((b + 1) / 20).toFixed(2)}): fails in ${k}/${seeds} seeds, 95% upper bound on the failure probability ${upperBound(k, seeds).toExponential(2)}`);
}

// The same, given the noise the round had: its clip calibration sets the utility σ the hub
// publishes (utilitySigmaCents); rounds whose calibration overshot have a larger σ and rank
// worse. The e2e test applies the bar of the σ it reads.
// Ranges of σ relative to the smallest σ of the setting (the clip comes in steps of √2).
const smallest = Math.min(...sigmas);
const ranges = [1.2, 1.7, 2.4, Infinity];
let from = 0;
for (const to of ranges) {
  const list = hits.filter((_, i) => sigmas[i] / smallest > from && sigmas[i] / smallest <= to);
  from = to;
  if (!list.length) continue;
  const rows = [];
  for (let b = 0; b <= 14; b++) {
    const k = list.filter((h) => h <= b).length;
    rows.push(`${b + 1}:${k}/${upperBound(k, list.length).toExponential(1)}`);
  }
  console.log(`utility sigma <= ${to} x ${smallest.toFixed(1)}: ${list.length} seeds; bar:fails/95%-upper-bound ${rows.join(' ')}`);
}
