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
const clips = option('--clips', '3,6,12,24,60').split(',').map(Number);
const STORES = 5;
const ITEMS = 20;
const MIN_SURVIVORS = 4; // survivorThreshold(5 participants, minStores 3)
const DEMAND = { maxQuantityPerTransaction: 60, maxRevenueCentsPerTransaction: 20_000 };
const CLIP_QUANTILE = Number(option('--quantile', 0.95));
const CALIBRATION_SHARE = 0.05;
const skipPrice = args.includes('--no-price');
const doSweep = args.includes('--sweep');
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

function demandStudy(stores, catalogue, window, epsilon, bounds, label, seedList = Array.from({ length: seeds }, (_, i) => i)) {
  const plan = federated.planDemandSeries({ skus: catalogue, period: 'week', ...window, ...bounds, epsilon, delta: 1e-5, participants: STORES, minSurvivors: MIN_SURVIVORS });
  const clipped = stores.map((t) => federated.demandSeriesClippedSum(t, plan).values);
  const exact = federated.exactDemandSeries(stores.flat(), plan);
  const cells = [...exact].filter(([, v]) => v.quantity >= 100);
  const sigma = Math.sqrt(STORES) * plan.noise.shareSigma;
  const noiseless = federated.seriesFromSums(clipped.reduce((a, b) => a.map((v, i) => v + b[i])), plan, sigma);
  const byKey = (points) => new Map(points.map((p) => [`${p.sku}|${p.periodStart}`, p]));
  const clipOnly = byKey(noiseless);
  const clipError = median(cells.map(([key, v]) => Math.abs(clipOnly.get(key).quantity - v.quantity) / v.quantity));
  const revenueBiasOnly = median(cells.map(([key, v]) => Math.abs(clipOnly.get(key).revenueCents - v.revenueCents) / v.revenueCents));
  const errors = [];
  const revenueErrors = [];
  let covered = 0;
  let total = 0;
  for (const seed of seedList) {
    const points = byKey(federated.seriesFromSums(noisySum(clipped, plan, `${label}/${epsilon}/${seed}`), plan, sigma));
    errors.push(median(cells.map(([key, v]) => Math.abs(points.get(key).quantity - v.quantity) / v.quantity)));
    revenueErrors.push(median(cells.map(([key, v]) => Math.abs(points.get(key).revenueCents - v.revenueCents) / v.revenueCents)));
    for (const [key, v] of cells) {
      const p = points.get(key);
      total++;
      if (p.quantityInterval.low <= v.quantity && v.quantity <= p.quantityInterval.high) covered++;
    }
  }
  const sigmas = cells.map(([key]) => clipOnly.get(key).quantitySigma);
  return { split: label, epsilon, clip: bounds.maxQuantityPerTransaction, clips: plan.quantityClips, cells: cells.length, quantitySigma: median(sigmas), clipOnlyError: clipError, medianRelativeError: median(errors), p90RelativeError: quantile(errors, 0.9), revenueMedianRelativeError: median(revenueErrors), revenueBiasOnly, intervalCoverage: covered / total };
}

/** Log-binned (√2) edges for per-item quantities: 0, 1, √2, 2, ... 2^20. */
const QUANTITY_EDGES = [0, ...Array.from({ length: 41 }, (_, j) => 2 ** (j / 2))];
const HISTOGRAM_ITEMS = 2; // a transaction enters the histograms of at most its 2 largest catalogue items: L2 sensitivity √2

/**
 * Private per-item clip calibration (simulated, as the itemset round's calibration does it):
 * every store sums per-item log-binned histograms of its transactions' quantities, with ρ_cal;
 * the hub reads each item's q-quantile off the denoised noisy counts (calibration.ts).
 */
function privateItemClips(stores, catalogue, window, calibrationEpsilon, q, seedLabel) {
  const B = QUANTITY_EDGES.length;
  const plan = federated.planStatistics({ epsilon: calibrationEpsilon, delta: 1e-5, participants: STORES, minSurvivors: MIN_SURVIVORS, blocks: [{ name: 'histograms', length: catalogue.length * B, clip: Math.SQRT2, share: 1 }] });
  const block = plan.blocks[0];
  const index = new Map(catalogue.map((sku, i) => [sku, i]));
  const from = new Date(`${window.fromDate}T00:00:00Z`).getTime();
  const to = new Date(`${window.toDate}T00:00:00Z`).getTime() + 86_400_000;
  const counts = stores.map((transactions) => {
    const values = new Float64Array(plan.length);
    for (const t of transactions) {
      const time = new Date(t.occurredAt).getTime();
      if (!(time >= from && time < to)) continue;
      const held = new Map();
      for (const l of t.lines) {
        const i = index.get(l.sku);
        if (i === undefined || !(l.quantity > 0) || !(l.unitPriceCents > 0)) continue;
        held.set(i, (held.get(i) ?? 0) + l.quantity);
      }
      const top = [...held].sort((a, b) => b[1] - a[1]).slice(0, HISTOGRAM_ITEMS);
      // Each entry 1 in clip units; with ≤ 2 entries the integer vector's norm is ≤ bound (√2 clip).
      for (const [i, quantity] of top) values[i * B + federated.binOf(QUANTITY_EDGES, quantity)] += Math.floor(block.scale);
    }
    return values;
  });
  const unit = Math.floor(block.scale);
  const sigma = (Math.sqrt(STORES) * plan.noise.shareSigma) / unit;
  const signed = noisySum(counts, plan, seedLabel);
  return catalogue.map((_, i) => {
    const histogram = { edges: QUANTITY_EDGES, counts: Array.from(signed.slice(i * B, (i + 1) * B), (v) => v / unit) };
    return federated.noisyQuantile(histogram, q, 2 * sigma, 6).upperEdge;
  });
}

/** Per-item q-quantile of the transactions' quantities, exact (non-private: the oracle the private calibration estimates). */
function exactItemClips(sales, catalogue, q) {
  const index = new Map(catalogue.map((sku, i) => [sku, i]));
  const byItem = catalogue.map(() => []);
  for (const t of sales) {
    const held = new Map();
    for (const l of t.lines) {
      const i = index.get(l.sku);
      if (i !== undefined && l.quantity > 0 && l.unitPriceCents > 0) held.set(i, (held.get(i) ?? 0) + l.quantity);
    }
    for (const [i, quantity] of held) byItem[i].push(quantity);
  }
  return byItem.map((values) => Math.max(1, quantile(values, q)));
}

/**
 * Lower bound for this mechanism family (clip + Gaussian noise, no cell-specific correction):
 * each (item, week) cell gets its own clip C chosen with the exact data and the whole ρ, as if
 * no transaction held two items; the cell's error is the median of |bias(C) + N(0, (k·C)²)|.
 */
function perCellOracle(stores, catalogue, window, epsilon) {
  const plan = federated.planStatistics({ epsilon, delta: 1e-5, participants: STORES, minSurvivors: MIN_SURVIVORS, blocks: [{ name: 'cell', length: catalogue.length * 54, clip: 1, share: 1 }] });
  const k = (Math.sqrt(STORES) * plan.noise.shareSigma) / plan.blocks[0].scale; // the whole ρ on this cell, per unit of clip
  const lines = new Map();
  const index = new Map(catalogue.map((sku, i) => [sku, i]));
  for (const t of stores.flat()) {
    const week = federated.isoDate(federated.periodStartOf(new Date(t.occurredAt), 'week'));
    const held = new Map();
    for (const l of t.lines) if (index.has(l.sku) && l.quantity > 0 && l.unitPriceCents > 0) held.set(l.sku, (held.get(l.sku) ?? 0) + l.quantity);
    for (const [sku, quantity] of held) {
      const key = `${sku}|${week}`;
      if (!lines.has(key)) lines.set(key, []);
      lines.get(key).push(quantity);
    }
  }
  const Phi = (x) => 0.5 * (1 + erf(x / Math.SQRT2));
  const medianAbs = (b, s) => {
    let lo = 0;
    let hi = Math.abs(b) + 5 * s;
    for (let it = 0; it < 60; it++) {
      const m = (lo + hi) / 2;
      if (Phi((m - b) / s) - Phi((-m - b) / s) < 0.5) lo = m;
      else hi = m;
    }
    return (lo + hi) / 2;
  };
  const best = [];
  const shares = [];
  for (const [, values] of lines) {
    const total = values.reduce((a, b) => a + b, 0);
    if (total < 100) continue;
    let error = Infinity;
    for (const C of new Set([1, ...values])) error = Math.min(error, medianAbs(-values.reduce((s, v) => s + Math.max(0, v - C), 0), k * C) / total);
    best.push(error);
    shares.push(Math.max(...values) / total);
  }
  return { epsilon, noisePerUnitClip: k, cells: best.length, medianError: median(best), cellsWithin10: best.filter((e) => e <= 0.1).length / best.length, largestTransactionShare: median(shares) };
}

/**
 * Idea (c), the ratio estimator: per (item, week) the number of transactions holding the item
 * (indicators, a transaction's vector bounded in L2 by `countBound`, so up to countBound² items
 * count fully), and per item its quantity over the whole window clipped at `totalClip` (L2
 * over the items); cell = count × (item quantity total / item count total). The week-to-week
 * mix of order sizes is its bias.
 */
function ratioStudy(stores, catalogue, window, epsilon, label, { countBound = Math.SQRT2, totalClip = 200, countShare = 0.85, smallClip = 0, smallShare = 0 } = {}) {
  const periods = federated.periodStarts(window.fromDate, window.toDate, 'week');
  const P = periods.length;
  const M = catalogue.length;
  const blocks = [{ name: 'counts', length: M * P, clip: countBound, share: countShare }, { name: 'totals', length: M, clip: totalClip, share: 1 - countShare - smallShare }];
  if (smallClip) blocks.push({ name: 'small', length: M * P, clip: smallClip, share: smallShare });
  const plan = federated.planStatistics({ epsilon, delta: 1e-5, participants: STORES, minSurvivors: MIN_SURVIVORS, blocks });
  const [countBlock, totalBlock, smallBlock] = plan.blocks;
  const periodIndex = new Map(periods.map((start, p) => [start, p]));
  const index = new Map(catalogue.map((sku, i) => [sku, i]));
  const cellsOf = (transactions) => {
    const values = new Float64Array(plan.length);
    for (const t of transactions) {
      const p = periodIndex.get(federated.isoDate(federated.periodStartOf(new Date(t.occurredAt), 'week')));
      if (p === undefined) continue;
      const held = new Map();
      for (const l of t.lines) {
        const i = index.get(l.sku);
        if (i !== undefined && l.quantity > 0 && l.unitPriceCents > 0) held.set(i, (held.get(i) ?? 0) + l.quantity);
      }
      if (!held.size) continue;
      const items = [...held.keys()];
      federated.addBoundedEntries(values, countBlock, items.map((i) => i * P + p), items.map(() => 1));
      federated.addBoundedEntries(values, totalBlock, items, items.map((i) => held.get(i)));
      if (smallBlock) federated.addBoundedEntries(values, smallBlock, items.map((i) => i * P + p), items.map((i) => Math.min(held.get(i), smallClip)));
    }
    return values;
  };
  const clipped = stores.map(cellsOf);
  const exact = new Map();
  for (const t of stores.flat()) {
    const week = federated.isoDate(federated.periodStartOf(new Date(t.occurredAt), 'week'));
    for (const l of t.lines) if (index.has(l.sku) && l.quantity > 0 && l.unitPriceCents > 0) exact.set(`${index.get(l.sku)}|${periodIndex.get(week)}`, (exact.get(`${index.get(l.sku)}|${periodIndex.get(week)}`) ?? 0) + l.quantity);
  }
  const cells = [...exact].filter(([, v]) => v >= 100).map(([key, v]) => [...key.split('|').map(Number), v]);
  const estimate = (signed) => {
    const counts = Array.from({ length: M }, (_, i) => Array.from({ length: P }, (_, p) => signed[countBlock.offset + i * P + p] / countBlock.scale));
    if (!smallBlock) {
      const mean = counts.map((row, i) => signed[totalBlock.offset + i] / totalBlock.scale / Math.max(1, row.reduce((a, b) => a + b, 0)));
      return (i, p) => counts[i][p] * mean[i];
    }
    // Hybrid: the clipped part per cell as measured, the excess above the small clip as count × mean excess.
    const small = Array.from({ length: M }, (_, i) => Array.from({ length: P }, (_, p) => signed[smallBlock.offset + i * P + p] / smallBlock.scale));
    const excess = counts.map((row, i) => Math.max(0, signed[totalBlock.offset + i] / totalBlock.scale - small[i].reduce((a, b) => a + b, 0)) / Math.max(1, row.reduce((a, b) => a + b, 0)));
    return (i, p) => small[i][p] + counts[i][p] * excess[i];
  };
  const noiseless = estimate(clipped.reduce((a, b) => a.map((v, k) => v + b[k])));
  const errors = [];
  for (let seed = 0; seed < seeds; seed++) {
    const f = estimate(noisySum(clipped, plan, `ratio/${label}/${epsilon}/${seed}`));
    errors.push(median(cells.map(([i, p, v]) => Math.abs(f(i, p) - v) / v)));
  }
  const sigmaCount = (Math.sqrt(STORES) * plan.noise.shareSigma) / countBlock.scale;
  return { split: label, epsilon, estimator: smallClip ? `hybrid: clip ${smallClip} + counts (L2 ${countBound.toFixed(2)}) × mean excess (total clip ${totalClip})` : `ratio: counts (L2 ${countBound.toFixed(2)}) × mean quantity (total clip ${totalClip})`, cells: cells.length, quantitySigma: sigmaCount, clipOnlyError: median(cells.map(([i, p, v]) => Math.abs(noiseless(i, p) - v) / v)), medianRelativeError: median(errors), p90RelativeError: quantile(errors, 0.9), revenueMedianRelativeError: NaN, intervalCoverage: NaN };
}

function erf(x) {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
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
const rhoOf = (epsilon) => privacy.epsilonToRho(epsilon, 1e-5);
const epsilonOfRho = (rho) => privacy.zcdpToEpsilon(rho, 1e-5);

/**
 * The round's estimator with per-item clips from a private calibration: CALIBRATION_SHARE of
 * the round's ρ on the per-item histograms, the rest on the measurement; both releases compose
 * to the round's ε. The clips differ by seed (the calibration's own noise), so each seed plans anew.
 */
function privateClipStudy(stores, epsilon, q, label, measurementBounds = {}) {
  const rho = rhoOf(epsilon);
  const calibrationEpsilon = epsilonOfRho(CALIBRATION_SHARE * rho);
  const measurementEpsilon = epsilonOfRho((1 - CALIBRATION_SHARE) * rho);
  const rows = [];
  for (let seed = 0; seed < seeds; seed++) {
    const clips = privateItemClips(stores, catalogue, window, calibrationEpsilon, q, `calibration/${label}/${epsilon}/${q}/${seed}`);
    rows.push(demandStudy(stores, catalogue, window, measurementEpsilon, { ...DEMAND, ...measurementBounds, maxQuantityBySku: clips }, label, [seed]));
  }
  const pick = (f) => rows.map(f);
  return { split: label, epsilon, estimator: `per-item clip, private ${q} quantile`, cells: rows[0].cells, quantitySigma: median(pick((r) => r.quantitySigma)), clipOnlyError: median(pick((r) => r.clipOnlyError)), medianRelativeError: median(pick((r) => r.medianRelativeError)), p90RelativeError: quantile(pick((r) => r.medianRelativeError), 0.9), revenueMedianRelativeError: median(pick((r) => r.revenueMedianRelativeError)), intervalCoverage: median(pick((r) => r.intervalCoverage)), clips: rows[0].clips };
}

const demand = [];
const price = [];
const bounds = [];
for (const [label, stores] of Object.entries(split)) {
  for (const epsilon of epsilons) {
    const clip = federated.defaultDemandClip(epsilon);
    demand.push({ ...demandStudy(stores, catalogue, window, epsilon, { ...DEMAND, maxQuantityPerTransaction: clip }, label), estimator: `clip ${clip} + count × mean excess (the round's default)` });
    log('demand', label, epsilon, JSON.stringify(demand.at(-1)));
    bounds.push({ split: label, ...perCellOracle(stores, catalogue, window, epsilon) });
    log('bound', JSON.stringify(bounds.at(-1)));
    if (!skipPrice) {
      price.push(priceStudy(stores, catalogue, references, epsilon, label));
      log('price', label, epsilon, JSON.stringify({ ...price.at(-1), referenceElasticities: undefined }));
    }
  }
}
const sweep = [];
if (doSweep) {
  const rr = split['round-robin'];
  for (const epsilon of epsilons) for (const clip of clips) sweep.push({ ...demandStudy(rr, catalogue, window, epsilon, { ...DEMAND, maxQuantityPerTransaction: clip }, 'round-robin'), estimator: `clip ${clip} + count × mean excess` });
  const shareVariants = { 'quantity 0.3, count 0.6': { quantity: 0.3, count: 0.6, excess: 0.04, excessSquared: 0.02, revenue: 0.04 }, 'quantity 0.6, count 0.3': { quantity: 0.6, count: 0.3, excess: 0.04, excessSquared: 0.02, revenue: 0.04 }, 'totals 0.2': { quantity: 0.4, count: 0.4, excess: 0.08, excessSquared: 0.04, revenue: 0.08 } };
  for (const [name, shares] of Object.entries(shareVariants)) sweep.push({ ...demandStudy(rr, catalogue, window, 4, { ...DEMAND, maxQuantityPerTransaction: 12, shares }, 'round-robin'), estimator: `clip 12 + count × mean excess, shares ${name}` });
  for (const excess of [50, 300]) sweep.push({ ...demandStudy(rr, catalogue, window, 4, { ...DEMAND, maxQuantityPerTransaction: 12, maxExcessPerTransaction: excess }, 'round-robin'), estimator: `clip 12 + count × mean excess, excess bound ${excess}` });
  for (const q of [0.5, 0.75]) sweep.push({ ...privateClipStudy(rr, 4, q, 'round-robin'), estimator: `per-item clip at the private ${q} quantile + count × mean excess` });
  for (const countBound of [1, Math.SQRT2]) sweep.push(ratioStudy(rr, catalogue, window, 4, 'round-robin', { countBound, totalClip: 100 }));
  for (const row of sweep) log('sweep', JSON.stringify(row));
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;
const lines = [];
lines.push(`Machine: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} cores), Node ${process.version}; ${new Date().toISOString().slice(0, 10)}; ${seeds} seeds; ${((Date.now() - started) / 1000).toFixed(0)} s.`);
lines.push('');
lines.push(`Demand series (weekly quantities of the 20 top-revenue items; cells with >= 100 units; shares of ρ ${JSON.stringify(federated.DEMAND_SERIES_SHARES)}; private clips: ${CALIBRATION_SHARE} of ρ on the calibration):`);
lines.push('');
const demandTable = (rows) => {
  lines.push('| split | ε | estimator | σ (units, median item) | median rel. error (median over seeds) | 90th pct over seeds | bias alone (no noise) | revenue median rel. error | 95% interval covers the exact value |');
  lines.push('|---|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) lines.push(`| ${r.split} | ${r.epsilon} | ${r.estimator} | ${r.quantitySigma.toFixed(1)} | ${pct(r.medianRelativeError)} | ${pct(r.p90RelativeError)} | ${pct(r.clipOnlyError)} | ${Number.isNaN(r.revenueMedianRelativeError) ? '–' : pct(r.revenueMedianRelativeError)} | ${Number.isNaN(r.intervalCoverage) ? '–' : pct(r.intervalCoverage)} |`);
};
demandTable(demand);
lines.push('');
lines.push('Lower bound of the family (each cell its own clip chosen on the exact data, the whole ρ, no transaction shares its bound):');
lines.push('');
lines.push('| split | ε | cells | noise σ per unit of clip | median over cells of the best median error | cells that can be within 10% | largest transaction / cell (median) |');
lines.push('|---|---:|---:|---:|---:|---:|---:|');
for (const b of bounds) lines.push(`| ${b.split} | ${b.epsilon} | ${b.cells} | ${b.noisePerUnitClip.toFixed(3)} | ${pct(b.medianError)} | ${pct(b.cellsWithin10)} | ${pct(b.largestTransactionShare)} |`);
lines.push('');
if (sweep.length) {
  lines.push('Sweep (round-robin; clips at every ε, the other variants at ε = 4):');
  lines.push('');
  demandTable(sweep);
  lines.push('');
}
lines.push('Price response (elasticity of the 20 items; each item price clipped to [ref/2, 2·ref] around its median price, quantity <= 1000, 2 observations per transaction):');
lines.push('');
lines.push('| split | ε | items with a non-private fit | interval covers the non-private estimate | no fit | median abs. error | median interval width |');
lines.push('|---|---:|---:|---:|---:|---:|---:|');
for (const r of price) lines.push(`| ${r.split} | ${r.epsilon} | ${r.items} | ${pct(r.coverage)} | ${pct(r.noFit)} | ${r.medianAbsoluteError.toFixed(3)} | ${r.medianIntervalWidth.toFixed(3)} |`);
console.log(lines.join('\n'));
const json = option('--json');
if (json) writeFileSync(json, JSON.stringify({ demand, bounds, sweep, price, catalogue, window }, null, 2));
