#!/usr/bin/env node
// Privacy-utility study of the federated round (libs/federated): how close the federated release
// comes to the exact, non-private high-utility itemsets of the union of the stores' data, next to
// a trusted-curator DP release (same candidates, clipping and ρ; one noise draw) and a naive
// central Gaussian release. Results and method: docs/privacy-utility.md.
//
//   npx tsc -b libs/federated && node scripts/study/privacy-utility.mjs [--quick] [--seeds N]
//        [--only foodmart,retail-rr,retail-country] [--tune] [--write] [--json FILE]
//
//   --quick   3 seeds, ε = 4 only (a smoke run, ~1 min)
//   --seeds   noise seeds per configuration (default 50)
//   --tune    sweep the candidate cap and the clip quantile instead of the main tables
//             (--caps 30,40,... --quantiles 0.9,0.99,... --epsilons 1,4,10)
//   --write   replace the generated block of docs/privacy-utility.md with the tables
//   --json    also write every per-seed figure as JSON
//
// Every random draw in the study comes from seeded ChaCha20 streams (@tessera/privacy
// seededRandomSource), so a run is reproducible. Seeds exist for simulation only: a real round
// draws its noise from the CSPRNG, and noise from a known seed protects nothing.
// Datasets: $TESSERA_DATASETS or ../shared/datasets (README.md there).
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const datasets = process.env.TESSERA_DATASETS ?? resolve(root, '../shared/datasets');
const require = createRequire(import.meta.url);
for (const lib of ['federated', 'huim', 'privacy', 'formats']) {
  if (!existsSync(join(root, `libs/${lib}/dist/index.js`))) {
    console.error(`libs/${lib} is not built: run \`npx tsc -b libs/federated libs/formats\` first`);
    process.exit(2);
  }
}
const federated = require(join(root, 'libs/federated/dist/index.js'));
const huim = require(join(root, 'libs/huim/dist/index.js'));
const privacy = require(join(root, 'libs/privacy/dist/index.js'));
const formats = require(join(root, 'libs/formats/dist/index.js'));

// ------------------------------------------------------------------ arguments
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const quick = flag('--quick');
const seeds = Number(option('--seeds', quick ? 3 : 50));
const epsilons = option('--epsilons', quick ? '4' : '1,4,10').split(',').map(Number);
const only = option('--only', 'foodmart,retail-rr,retail-country').split(',');
const STORES = 5;
const MAX_LENGTH = 4;

// ------------------------------------------------------------------ data
function log(...parts) {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${parts.join(' ')}\n`);
}

async function readOnlineRetail() {
  const transactions = [];
  let rejected = 0;
  const stream = createReadStream(join(datasets, 'OnlineRetail.csv'));
  for await (const event of formats.parseTransactions(stream, 'lineitem-csv')) {
    if (event.kind === 'error') {
      rejected++;
      continue;
    }
    const lines = event.transaction.lines.filter((line) => line.utilityCents > 0); // as the SPMF conversion: lines that round to 0 cents are dropped
    if (lines.length === 0) continue;
    transactions.push({ items: lines.map((l) => l.sku), utilities: lines.map((l) => l.utilityCents), country: event.transaction.country ?? '' });
  }
  return { transactions, rejected };
}

function roundRobin(transactions, stores) {
  return Array.from({ length: stores }, (_, s) => transactions.filter((_, i) => i % stores === s));
}

function byCountry(transactions) {
  const counts = new Map();
  for (const t of transactions) counts.set(t.country, (counts.get(t.country) ?? 0) + 1);
  const biggest = [...counts].sort((a, b) => b[1] - a[1]).slice(0, STORES - 1).map(([country]) => country);
  const groups = biggest.map((country) => ({ name: country, transactions: transactions.filter((t) => t.country === country) }));
  groups.push({ name: 'rest', transactions: transactions.filter((t) => !biggest.includes(t.country)) });
  return groups;
}

// ------------------------------------------------------------------ study setup
const DATASETS = {
  foodmart: { title: 'Foodmart, 5 stores round-robin', minUtilityFraction: 0.0005, minUtilityText: '0.1%', topM: 1000, caps: { 20: 40, 100: 150 } },
  'retail-rr': { title: 'Online Retail, 5 stores round-robin by invoice', minUtilityFraction: 0.005, minUtilityText: '0.9%', topM: 600, caps: { 20: 40, 100: 150 } },
  'retail-country': { title: 'Online Retail, 5 stores by country (UK, Germany, France, EIRE, rest)', minUtilityFraction: 0.005, minUtilityText: '0.9%', topM: 600, caps: { 20: 40, 100: 150 } },
};

function itemKeyIn(db, item) {
  if (db.dictionary.idOf(item) >= 0) return item;
  const n = Number(item);
  return Number.isSafeInteger(n) && db.dictionary.idOf(n) >= 0 ? n : item;
}

async function prepare(name) {
  const spec = DATASETS[name];
  let storeTransactions;
  let storeNames;
  if (name === 'foodmart') {
    const all = huim.toTransactions(huim.readSpmf(join(datasets, 'foodmart_utility_spmf.txt')));
    storeTransactions = roundRobin(all, STORES);
    storeNames = storeTransactions.map((_, s) => `store-${s}`);
  } else {
    prepare.retail ??= await readOnlineRetail();
    const { transactions } = prepare.retail;
    if (name === 'retail-rr') {
      storeTransactions = roundRobin(transactions, STORES);
      storeNames = storeTransactions.map((_, s) => `store-${s}`);
    } else {
      const groups = byCountry(transactions);
      storeTransactions = groups.map((g) => g.transactions);
      storeNames = groups.map((g) => g.name);
    }
  }
  const stores = storeTransactions.map((txs) => huim.fromTransactions(txs));
  const union = huim.fromTransactions(storeTransactions.flat());
  let t0 = performance.now();
  const exact = huim.mine(union, { minUtility: spec.minUtilityText, maxLength: MAX_LENGTH }).itemsets.map((p) => ({ items: federated.canonicalItemset(p.items), utility: p.utility, support: p.support }));
  const exactMs = performance.now() - t0;
  const exactUtility = new Map(exact.map((p) => [federated.itemsetKey(p.items), p.utility]));
  t0 = performance.now();
  const proposals = stores.map((db, s) => ({ storeId: storeNames[s], itemsets: federated.proposeItemsets(db, { topM: spec.topM, maxLength: MAX_LENGTH, minSupport: 2 }) }));
  const proposalMs = performance.now() - t0;
  log(`${name}: ${union.nTransactions} transactions, stores ${stores.map((d) => d.nTransactions).join('/')}, exact ${exact.length} itemsets >= ${spec.minUtilityText} (${exactMs.toFixed(0)} ms), proposals ${proposalMs.toFixed(0)} ms`);
  // Exact utility of any itemset on the union (for released itemsets below the exact threshold).
  const exactOf = (patterns) => {
    const missing = patterns.filter((p) => !exactUtility.has(federated.itemsetKey(p.items)));
    if (missing.length) {
      const measured = huim.measure(union, missing.map((p) => p.items.map((item) => itemKeyIn(union, item))));
      missing.forEach((p, i) => exactUtility.set(federated.itemsetKey(p.items), measured[i].utility));
    }
    return exactUtility;
  };
  return { name, spec, stores, storeNames, union, exact, exactOf, proposals, proposalMs, exactMs };
}

// ------------------------------------------------------------------ one configuration
function metrics(release, data) {
  const patterns = release.patterns;
  const exactUtility = data.exactOf(patterns.slice(0, 100));
  return {
    p20: federated.precisionAtK(patterns, data.exact, 20),
    r20: federated.recallAtK(patterns, data.exact, 20),
    p100: federated.precisionAtK(patterns, data.exact, 100),
    r100: federated.recallAtK(patterns, data.exact, 100),
    mre: federated.medianRelativeError(patterns, exactUtility, 100),
    published: patterns.length,
  };
}

function seededSource(...labels) {
  return privacy.seededRandomSource(Buffer.from(labels.join('/')).toString('hex'));
}

/**
 * One federated round per seed: private calibration (unless `clip` is given), plan, each store
 * encodes with its own noise share, the words are summed mod 2^32 (what secure aggregation
 * reveals), the hub decodes. The central and naive references use the same seed.
 */
function runConfiguration(data, options) {
  const { epsilon, cap, minStores = STORES, quantile, oracleClip = false, label } = options;
  const config = federated.roundConfig({
    minStores,
    epsilon,
    k: STORES,
    minUtilityFraction: data.spec.minUtilityFraction,
    maxLength: MAX_LENGTH,
    topM: data.spec.topM,
    maxCandidates: cap,
    ...(quantile ? { clipQuantiles: { utility: quantile, support: quantile } } : {}),
    ...(oracleClip ? { calibrationShare: 0 } : {}),
  });
  const selection = federated.selectCandidates(data.proposals, config.k, { maxCandidates: config.maxCandidates });
  const results = { federated: [], central: [], naive: [], clip: [], candidates: selection.itemsets.length, eligible: selection.eligible, plan: undefined };
  if (selection.itemsets.length === 0) return results;
  const calibrationPlan = oracleClip ? undefined : federated.planCalibration(config, { participants: STORES, candidates: selection });
  const oracle = oracleClip ? oracleClipBounds(data, selection.itemsets, config.clipQuantiles) : undefined;
  for (let seed = 0; seed < seeds; seed++) {
    const random = seededSource(label, data.name, epsilon, cap, seed);
    let clip = oracle;
    if (calibrationPlan) {
      const sum = federated.addWords(data.stores.map((db) => federated.encodeCalibration(db, calibrationPlan, { random }).vector));
      clip = federated.decodeCalibration(sum, calibrationPlan, STORES).clip;
    }
    const plan = federated.planRound(config, { participants: STORES, candidates: selection, clip, calibration: calibrationPlan });
    results.plan ??= plan;
    results.clip.push(clip);
    const vectors = data.stores.map((db) => federated.encodeContribution(db, plan, { random }).vector);
    results.federated.push(metrics(federated.decodeAggregate(federated.addWords(vectors), plan, STORES), data));
    results.central.push(metrics(federated.centralRelease(data.stores, plan, { random }), data));
  }
  return results;
}

/** Non-private quantiles of the same quantities (what the private calibration estimates). */
function oracleClipBounds(data, candidates, quantiles) {
  const norms = [];
  const held = [];
  const own = [];
  for (const db of data.stores) {
    const matrix = federated.contributionMatrix(db, candidates);
    for (let t = 0; t < matrix.transactions; t++) {
      own.push(matrix.transactionUtility[t]);
      const h = matrix.rows[t + 1] - matrix.rows[t];
      if (h === 0) continue;
      let s = 0;
      for (let p = matrix.rows[t]; p < matrix.rows[t + 1]; p++) s += matrix.utility[p] ** 2;
      norms.push(Math.sqrt(s));
      held.push(h);
    }
  }
  const q = (values, p) => {
    const sorted = values.slice().sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  };
  return { utility: q(norms, quantiles.utility), supportCount: Math.max(1, q(held, quantiles.support)), transactionUtility: q(own, quantiles.transactionUtility) };
}

function runNaive(data, epsilon, label) {
  const out = [];
  for (let seed = 0; seed < seeds; seed++) {
    const random = seededSource(label, data.name, epsilon, 'naive', seed);
    const release = federated.naiveRelease(data.union, data.exact.map((p) => p.items.map((item) => itemKeyIn(data.union, item))), {
      epsilon,
      clipQuantile: 0.99,
      minUtilityFraction: data.spec.minUtilityFraction,
      random,
    });
    out.push({ ...metrics(release, data), clip: release.clip });
  }
  return out;
}

// ------------------------------------------------------------------ summaries
const median = federated.median;
function quantileOf(values, p) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const x = p * (sorted.length - 1);
  const lo = Math.floor(x);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (x - lo);
}
function summary(rows, key) {
  const values = rows.map((r) => r[key]).filter((v) => Number.isFinite(v));
  return { median: median(values), q10: quantileOf(values, 0.1), q90: quantileOf(values, 0.9) };
}
const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
function cell(rows, key, percent = false) {
  const s = summary(rows, key);
  const f = percent ? pct : (v) => fmt(v);
  return `${f(s.median)} (${f(s.q10)}–${f(s.q90)})`;
}

function mainTables(all) {
  const lines = [];
  for (const { data, byEpsilon } of all) {
    lines.push(`### ${data.spec.title}`, '');
    lines.push(
      `${data.union.nTransactions.toLocaleString('en')} transactions (stores: ${data.storeNames.map((n, i) => `${n} ${data.stores[i].nTransactions.toLocaleString('en')}`).join(', ')}); ` +
        `exact reference: EFIM on the union, max length ${MAX_LENGTH}, ${data.exact.length} itemsets >= ${data.spec.minUtilityText} of total utility; ` +
        `each store proposes its top ${data.spec.topM} (min support 2); k = ${STORES}.`,
      '',
    );
    lines.push('| ε | round | candidates (eligible) | release | P@20 | R@20 | P@100 | R@100 | median rel. error | published |');
    lines.push('|---:|---|---|---|---|---|---|---|---|---:|');
    for (const { epsilon, rounds, naive } of byEpsilon) {
      for (const round of rounds) {
        const r = round.results;
        const capText = `${r.candidates} (${r.eligible})`;
        for (const [name, rows] of [
          ['federated', r.federated],
          ['central DP', r.central],
          ...(round.extra ?? []),
        ]) {
          if (!rows.length) continue;
          lines.push(`| ${epsilon} | ${round.name} | ${capText} | ${name} | ${cell(rows, 'p20')} | ${cell(rows, 'r20')} | ${cell(rows, 'p100')} | ${cell(rows, 'r100')} | ${cell(rows, 'mre', true)} | ${fmt(summary(rows, 'published').median, 0)} |`);
        }
      }
      lines.push(`| ${epsilon} | naive | ${data.exact.length} exact | naive central | ${cell(naive, 'p20')} | ${cell(naive, 'r20')} | ${cell(naive, 'p100')} | ${cell(naive, 'r100')} | ${cell(naive, 'mre', true)} | ${fmt(summary(naive, 'published').median, 0)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function ratioTable(all) {
  const lines = [
    '| data | ε | round | P@20 fed/central | P@100 fed/central | error fed/central | P@20 fed (minStores 4)/central | error fed (minStores 4)/central |',
    '|---|---:|---|---:|---:|---:|---:|---:|',
  ];
  const mean = (rows, key) => {
    const values = rows.map((r) => r[key]).filter((v) => Number.isFinite(v));
    return values.reduce((s, v) => s + v, 0) / values.length;
  };
  for (const { data, byEpsilon } of all) {
    for (const { epsilon, rounds } of byEpsilon) {
      for (const round of rounds) {
        const r = round.results;
        if (!r.federated.length) continue;
        const dropout = round.extra?.find(([name]) => name.startsWith('federated, minStores 4'))?.[1];
        const ratio = (rows, key) => fmt(mean(rows, key) / mean(r.central, key));
        lines.push(
          `| ${data.name} | ${epsilon} | ${round.name} | ${ratio(r.federated, 'p20')} | ${ratio(r.federated, 'p100')} | ${ratio(r.federated, 'mre')} | ${dropout ? ratio(dropout, 'p20') : 'n/a'} | ${dropout ? ratio(dropout, 'mre') : 'n/a'} |`,
        );
      }
    }
  }
  return lines.join('\n');
}

function clipText(results) {
  const u = results.clip.map((c) => c.utility);
  return `${fmt(median(u), 0)} [${fmt(Math.min(...u), 0)}, ${fmt(Math.max(...u), 0)}]`;
}

// ------------------------------------------------------------------ main
const started = Date.now();
log(`seeds ${seeds}, ε ${epsilons.join(', ')}, ${cpus().length} cores, Node ${process.version}`);
const prepared = [];
for (const name of only) prepared.push(await prepare(name));

if (flag('--tune')) {
  const lines = ['| data | ε | cap | clip quantile | clip | candidates | P@20 | P@100 | R@100 | median rel. error |', '|---|---:|---:|---:|---|---:|---|---|---|---|'];
  for (const data of prepared) {
    for (const epsilon of epsilons) {
      for (const cap of option('--caps', '30,40,60,100,150,250').split(',').map(Number)) {
        for (const quantile of option('--quantiles', '0.9,0.95,0.99').split(',').map(Number)) {
          const r = runConfiguration(data, { epsilon, cap, quantile, label: 'tune' });
          if (!r.federated.length) continue;
          lines.push(`| ${data.name} | ${epsilon} | ${cap} | ${quantile} | ${clipText(r)} | ${r.candidates} | ${cell(r.federated, 'p20')} | ${cell(r.federated, 'p100')} | ${cell(r.federated, 'r100')} | ${cell(r.federated, 'mre', true)} |`);
          log(lines[lines.length - 1]);
        }
      }
    }
  }
  console.log(lines.join('\n'));
  process.exit(0);
}

const all = [];
const json = {};
for (const data of prepared) {
  const byEpsilon = [];
  for (const epsilon of epsilons) {
    const rounds = [];
    for (const target of [20, 100]) {
      const cap = data.spec.caps[target];
      const results = runConfiguration(data, { epsilon, cap, label: 'main' });
      const dropout = runConfiguration(data, { epsilon, cap, minStores: STORES - 1, label: 'main' });
      const oracle = runConfiguration(data, { epsilon, cap, oracleClip: true, label: 'main' });
      rounds.push({
        name: `top-${target} (cap ${cap})`,
        results,
        extra: [
          ['federated, minStores 4 (all 5 survive)', dropout.federated],
          ['federated, non-private clip (oracle)', oracle.federated],
        ],
      });
      log(`${data.name} ε=${epsilon} cap ${cap}: clip ${clipText(results)}, fed P@20 ${cell(results.federated, 'p20')} mre ${cell(results.federated, 'mre', true)}; central P@20 ${cell(results.central, 'p20')} mre ${cell(results.central, 'mre', true)}`);
      json[`${data.name}/${epsilon}/${target}`] = { results, dropout: dropout.federated, oracle: oracle.federated };
    }
    const naive = runNaive(data, epsilon, 'main');
    log(`${data.name} ε=${epsilon} naive: P@20 ${cell(naive, 'p20')} mre ${cell(naive, 'mre', true)}`);
    byEpsilon.push({ epsilon, rounds, naive });
    json[`${data.name}/${epsilon}/naive`] = naive;
  }
  all.push({ data, byEpsilon });
}

// The brief's yardstick, reproduced: naive release of the 48 Online Retail itemsets above 1 % and of foodmart's itemsets above 0.1 %, ε = 4.
const yardstick = [];
for (const data of prepared.filter((d) => d.name !== 'retail-country')) {
  const fraction = data.name === 'foodmart' ? 0.001 : 0.01;
  const itemsets = data.exact.filter((p) => p.utility >= fraction * data.union.totalUtility);
  const rows = [];
  for (let seed = 0; seed < seeds; seed++) {
    const release = federated.naiveRelease(data.union, itemsets.map((p) => p.items.map((item) => itemKeyIn(data.union, item))), { epsilon: 4, clipQuantile: 0.99, random: seededSource('yardstick', data.name, seed) });
    rows.push(metrics(release, data));
  }
  yardstick.push(`| ${data.name} | ${itemsets.length} itemsets >= ${fraction * 100}% | ${cell(rows, 'p20')} | ${cell(rows, 'mre', true)} |`);
}

const plansText = all
  .flatMap(({ data, byEpsilon }) =>
    byEpsilon.flatMap(({ epsilon, rounds }) =>
      rounds.map(({ name, results }) => {
        const p = results.plan;
        if (!p) return `| ${data.name} | ${epsilon} | ${name} | no candidates | | | | |`;
        return `| ${data.name} | ${epsilon} | ${name} | ${p.layout.length} | ${clipText(results)} | ${fmt(p.quantisation.l2Sensitivity, 0)} | ${fmt(p.noise.shareSigma, 1)} | ${p.privacy.rho.toFixed(4)} + ${p.privacy.calibrationRho.toFixed(4)} = ${p.privacy.roundRho.toFixed(4)} (ε ${fmt(p.privacy.epsilon, 3)}) |`;
      }),
    ),
  )
  .join('\n');

const generated = [
  `Generated by \`node scripts/study/privacy-utility.mjs${quick ? ' --quick' : ''}\` (${seeds} seeds per configuration; cells are median (10th–90th percentile) over seeds) in ${((Date.now() - started) / 60000).toFixed(1)} min on ${cpus().length} cores, Node ${process.version}.`,
  '',
  mainTables(all),
  '### Federated vs central (ratio of means over the seeds; 1.00 = no cost of federation)',
  '',
  ratioTable(all),
  '',
  '### Plans (first seed; clip = median [min, max] over seeds of the privately calibrated utility clip)',
  '',
  '| data | ε | round | vector length | utility clip | L2 sensitivity (integer units) | σ_i per store | ρ measurement + calibration = round (ε) |',
  '|---|---:|---|---:|---|---:|---:|---|',
  plansText,
  '',
  '### Yardstick check (naive release as in the issue, ε = 4)',
  '',
  '| data | itemsets | P@20 | median rel. error |',
  '|---|---|---|---|',
  ...yardstick,
  '',
].join('\n');

console.log(generated);
if (option('--json')) writeFileSync(option('--json'), JSON.stringify(json, (k, v) => (k === 'plan' ? undefined : v)));
if (flag('--write')) {
  const docPath = join(root, 'docs/privacy-utility.md');
  const doc = readFileSync(docPath, 'utf8');
  const begin = '<!-- study:begin -->';
  const end = '<!-- study:end -->';
  const a = doc.indexOf(begin);
  const b = doc.indexOf(end);
  if (a < 0 || b < a) {
    console.error(`${docPath} has no ${begin} ... ${end} block`);
    process.exit(1);
  }
  writeFileSync(docPath, `${doc.slice(0, a + begin.length)}\n${generated}\n${doc.slice(b)}`);
  log(`wrote ${docPath}`);
}
log(`done in ${((Date.now() - started) / 60000).toFixed(1)} min`);
