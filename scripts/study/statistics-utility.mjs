#!/usr/bin/env node
// Privacy-utility study of the statistics round kinds (libs/federated demand-series.ts and
// price-response.ts) on Online Retail, 5 stores (round-robin by invoice, or by country: the
// 4 biggest countries and the rest), the 20 items with the highest revenue, weekly, over the
// whole data range. Results and method: docs/privacy-utility.md ("Demand series and price
// response").
//
//   npx tsc -b libs/federated libs/formats && node scripts/study/statistics-utility.mjs [--seeds N] [--epsilons 1,4,10] [--clips 30,60,100] [--json FILE]
//
// Every store's exact clipped vector is computed once; each seed then draws every store's
// noise share from a seeded ChaCha20 stream (simulation only: a real round uses the CSPRNG),
// sums mod 2^32 as secure aggregation would, and decodes as the hub does.
// Datasets: $TESSERA_DATASETS or ../shared/datasets.
import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const datasets = process.env.TESSERA_DATASETS ?? resolve(root, '../shared/datasets');
const require = createRequire(import.meta.url);
const federated = require(join(root, 'libs/federated/dist/index.js'));
const privacy = require(join(root, 'libs/privacy/dist/index.js'));
const formats = require(join(root, 'libs/formats/dist/index.js'));

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const seeds = Number(option('--seeds', 20));
const epsilons = option('--epsilons', '1,4,10').split(',').map(Number);
const clips = option('--clips', '30,60,100,150').split(',').map(Number);
const STORES = 5;
const ITEMS = 20;
const MIN_SURVIVORS = 4; // survivorThreshold(5 participants, minStores 3)
const DEMAND = { maxQuantityPerTransaction: 60, maxRevenueCentsPerTransaction: 20_000 };
const PRICE = { minUnitPriceCents: 10, maxUnitPriceCents: 100_000, maxQuantity: 1_000 };
const log = (...parts) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${parts.join(' ')}\n`);

const file = join(datasets, 'OnlineRetail.csv');
if (!existsSync(file)) {
  console.error(`${file} not found (set TESSERA_DATASETS)`);
  process.exit(2);
}

async function readSales() {
  const sales = [];
  for await (const event of formats.parseTransactions(createReadStream(file), 'lineitem-csv')) {
    if (event.kind !== 'transaction') continue;
    const t = event.transaction;
    sales.push({ occurredAt: t.occurredAt, country: t.country ?? '', lines: t.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPriceCents: l.unitPriceCents ?? 0 })) });
  }
  return sales;
}

function splits(sales) {
  const roundRobin = Array.from({ length: STORES }, (_, s) => sales.filter((_, i) => i % STORES === s));
  const counts = new Map();
  for (const t of sales) counts.set(t.country, (counts.get(t.country) ?? 0) + 1);
  const biggest = [...counts].sort((a, b) => b[1] - a[1]).slice(0, STORES - 1).map(([c]) => c);
  const byCountry = [...biggest.map((c) => sales.filter((t) => t.country === c)), sales.filter((t) => !biggest.includes(t.country))];
  return { 'round-robin': roundRobin, country: byCountry };
}

const seeded = (...labels) => privacy.seededRandomSource(Buffer.from(labels.join('/')).toString('hex'));

/** The hub's view for one seed: Σ_stores (clipped sum + noise share), signed. */
function noisySum(clippedSums, plan, seedLabel) {
  const total = new Float64Array(plan.length);
  clippedSums.forEach((values, s) => {
    const noise = federated.sampleNoiseShare(plan.noise.shareSigma2, plan.length, seeded(seedLabel, `store-${s}`));
    for (let i = 0; i < plan.length; i++) total[i] += values[i] + noise[i];
  });
  return total;
}

const median = federated.median;
const quantile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};

function demandStudy(stores, catalogue, window, epsilon, bounds, label) {
  const plan = federated.planDemandSeries({ skus: catalogue, period: 'week', ...window, ...bounds, epsilon, delta: 1e-5, participants: STORES, minSurvivors: MIN_SURVIVORS });
  const clipped = stores.map((t) => federated.demandSeriesClippedSum(t, plan).values);
  const exact = federated.exactDemandSeries(stores.flat(), plan);
  const cells = [...exact].filter(([, v]) => v.quantity >= 100);
  const sigma = Math.sqrt(STORES) * plan.noise.shareSigma;
  const noiseless = federated.seriesFromSums(clipped.reduce((a, b) => a.map((v, i) => v + b[i])), plan, sigma);
  const byKey = (points) => new Map(points.map((p) => [`${p.sku}|${p.periodStart}`, p]));
  const clipOnly = byKey(noiseless);
  const clipError = median(cells.map(([key, v]) => Math.abs(clipOnly.get(key).quantity - v.quantity) / v.quantity));
  const errors = [];
  let covered = 0;
  let total = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const points = byKey(federated.seriesFromSums(noisySum(clipped, plan, `${label}/${epsilon}/${seed}`), plan, sigma));
    const seedErrors = cells.map(([key, v]) => Math.abs(points.get(key).quantity - v.quantity) / v.quantity);
    errors.push(median(seedErrors));
    for (const [key] of cells) {
      const p = points.get(key);
      const c = clipOnly.get(key).quantity;
      total++;
      if (p.quantityInterval.low <= c && c <= p.quantityInterval.high) covered++;
    }
  }
  return { split: label, epsilon, clip: bounds.maxQuantityPerTransaction, cells: cells.length, quantitySigma: noiseless[0].quantitySigma, clipOnlyError: clipError, medianRelativeError: median(errors), p90RelativeError: quantile(errors, 0.9), intervalCoverageOfClipped: covered / total };
}

function priceStudy(stores, catalogue, references, epsilon, label) {
  const plan = federated.planPriceResponse({ skus: catalogue, ...PRICE, referencePricesCents: references, priceBand: 2, epsilon, delta: 1e-5, participants: STORES, minSurvivors: MIN_SURVIVORS });
  const clipped = stores.map((t) => federated.priceResponseClippedSum(t, plan).values);
  const { slopeFactorOf } = federated.rescaling(plan.bounds);
  const exactSum = clipped.reduce((a, b) => a.map((v, i) => v + b[i]));
  const reference = federated.statisticsFromSums(exactSum, plan).map((s, i) => federated.fitElasticity(catalogue[i], s, 0, slopeFactorOf(i)));
  const noise = (Math.sqrt(STORES) * plan.noise.shareSigma) / plan.blocks[0].scale;
  let covered = 0;
  let total = 0;
  let noFit = 0;
  const errors = [];
  const widths = [];
  for (let seed = 0; seed < seeds; seed++) {
    const signed = noisySum(clipped, plan, `price/${label}/${epsilon}/${seed}`);
    federated.statisticsFromSums(signed, plan).forEach((s, i) => {
      if (reference[i].elasticity === undefined) return;
      const fit = federated.fitElasticity(catalogue[i], s, noise, slopeFactorOf(i));
      total++;
      if (fit.elasticity === undefined) {
        noFit++;
        return;
      }
      errors.push(Math.abs(fit.elasticity - reference[i].elasticity));
      widths.push(fit.interval.high - fit.interval.low);
      if (fit.interval.low <= reference[i].elasticity && reference[i].elasticity <= fit.interval.high) covered++;
    });
  }
  return { split: label, epsilon, items: reference.filter((r) => r.elasticity !== undefined).length, coverage: covered / total, noFit: noFit / total, medianAbsoluteError: median(errors), medianIntervalWidth: median(widths), referenceElasticities: reference.map((r) => r.elasticity ?? null) };
}

const started = Date.now();
log('reading', file);
const sales = await readSales();
const revenue = new Map();
for (const t of sales) for (const l of t.lines) if (l.quantity > 0 && l.unitPriceCents > 0) revenue.set(l.sku, (revenue.get(l.sku) ?? 0) + l.quantity * l.unitPriceCents);
const catalogue = [...revenue].sort((a, b) => b[1] - a[1]).slice(0, ITEMS).map(([sku]) => sku);
// Reference ("list") prices: each item's median unit price over its lines, standing in for a public price list.
const references = catalogue.map((sku) => median(sales.flatMap((t) => t.lines.filter((l) => l.sku === sku && l.quantity > 0 && l.unitPriceCents > 0).map((l) => l.unitPriceCents))));
const dates = sales.map((t) => t.occurredAt.slice(0, 10)).sort();
const window = { fromDate: dates[0], toDate: dates[dates.length - 1] };
log(`${sales.length} invoices, catalogue ${catalogue.join(' ')}, ${window.fromDate}..${window.toDate}`);
const split = splits(sales);
const demand = [];
const price = [];
for (const [label, stores] of Object.entries(split)) {
  for (const epsilon of epsilons) {
    demand.push(demandStudy(stores, catalogue, window, epsilon, DEMAND, label));
    log('demand', label, epsilon, JSON.stringify(demand.at(-1)));
    price.push(priceStudy(stores, catalogue, references, epsilon, label));
    log('price', label, epsilon, JSON.stringify({ ...price.at(-1), referenceElasticities: undefined }));
  }
}
const clipSweep = clips.map((clip) => demandStudy(split['round-robin'], catalogue, window, 4, { ...DEMAND, maxQuantityPerTransaction: clip }, 'round-robin'));
for (const row of clipSweep) log('clip', JSON.stringify(row));

const pct = (x) => `${(100 * x).toFixed(1)}%`;
const lines = [];
lines.push(`Machine: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores), Node ${process.version}; ${new Date().toISOString().slice(0, 10)}; ${seeds} seeds; ${((Date.now() - started) / 1000).toFixed(0)} s.`);
lines.push('');
lines.push('Demand series (weekly quantities of the 20 top-revenue items; cells with >= 100 units; quantity clip 60 units per transaction):');
lines.push('');
lines.push('| split | ε | cells | σ (units) | median rel. error (median over seeds) | 90th pct over seeds | clipping alone | 95% interval covers the clipped sum |');
lines.push('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of demand) lines.push(`| ${r.split} | ${r.epsilon} | ${r.cells} | ${r.quantitySigma.toFixed(1)} | ${pct(r.medianRelativeError)} | ${pct(r.p90RelativeError)} | ${pct(r.clipOnlyError)} | ${pct(r.intervalCoverageOfClipped)} |`);
lines.push('');
lines.push('Quantity clip sweep (round-robin, ε = 4):');
lines.push('');
lines.push('| clip (units) | σ (units) | median rel. error | clipping alone |');
lines.push('|---:|---:|---:|---:|');
for (const r of clipSweep) lines.push(`| ${r.clip} | ${r.quantitySigma.toFixed(1)} | ${pct(r.medianRelativeError)} | ${pct(r.clipOnlyError)} |`);
lines.push('');
lines.push('Price response (elasticity of the 20 items; each item price clipped to [ref/2, 2·ref] around its median price, quantity <= 1000, 2 observations per transaction):');
lines.push('');
lines.push('| split | ε | items with a non-private fit | interval covers the non-private estimate | no fit | median abs. error | median interval width |');
lines.push('|---|---:|---:|---:|---:|---:|---:|');
for (const r of price) lines.push(`| ${r.split} | ${r.epsilon} | ${r.items} | ${pct(r.coverage)} | ${pct(r.noFit)} | ${r.medianAbsoluteError.toFixed(3)} | ${r.medianIntervalWidth.toFixed(3)} |`);
console.log(lines.join('\n'));
const json = option('--json');
if (json) writeFileSync(json, JSON.stringify({ demand, price, clipSweep, catalogue, window }, null, 2));
