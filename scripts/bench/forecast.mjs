#!/usr/bin/env node
// Backtest and timing of the demand forecasts (libs/forecast) on UCI Online Retail.
//
//   node scripts/bench/forecast.mjs [--json FILE]
//
// 1. Out-of-sample check of the chosen models: at each of several forecast origins (weeks
//    ending on a Sunday), the top 20 items by quantity up to the origin are forecast 8 weeks
//    ahead exactly as `tessera forecast` does (model chosen per item on its own rolling-origin
//    backtest of the data before the origin, falling back to seasonal naive when nothing beats
//    it); the forecasts are then scored on the 8 weeks that followed, which no model saw,
//    against seasonal naive from the same origin. MASE scales each item's absolute errors by
//    the in-sample MAE of seasonal naive on its training data (Hyndman & Koehler 2006);
//    aggregate = mean over items, origins and weeks. sMAPE in percent.
// 2. The in-sample selection backtest the forecasts report (mean over the top 20).
// 3. Time to forecast the top 100 items (weekly, 8 ahead; daily, 28 ahead) of the whole
//    data set, i.e. of a store as large as all of Online Retail.
// Build first: npx tsc -b libs/forecast libs/formats
import { createReadStream, existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { parseTransactions } = require(join(root, 'libs/formats/dist/index.js'));
const f = require(join(root, 'libs/forecast/dist/index.js'));
const datasets = process.env.TESSERA_DATASETS ?? resolve(root, '../shared/datasets');
const file = join(datasets, 'OnlineRetail.csv');
if (!existsSync(file)) {
  console.error(`${file} not found (set TESSERA_DATASETS)`);
  process.exit(1);
}
const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : undefined;

const lines = [];
for await (const event of parseTransactions(createReadStream(file), 'lineitem-csv')) {
  if (event.kind !== 'transaction' || !event.transaction.occurredAt) continue;
  for (const line of event.transaction.lines) lines.push({ sku: line.sku, name: line.name, date: event.transaction.occurredAt, quantity: line.quantity });
}

const HORIZON = 8;
const ORIGINS = ['2011-08-28', '2011-09-11', '2011-09-25', '2011-10-09'];
const holdout = f.holdoutBacktest(lines, { period: 'week', origins: ORIGINS, horizon: HORIZON, top: 20 });
const { chosen, perOrigin } = holdout;
const count = holdout.scoredPoints;

const top20 = f.itemSeries(lines, { period: 'week', until: '2011-12-04', top: 20 }).map((i) => f.forecastSeries(i.series, { period: 'week', horizon: HORIZON }));
const inSample = { mase: mean(top20.map((r) => r.backtest.mase)), seasonalNaiveMase: mean(top20.map((r) => r.backtest.seasonalNaiveMase)), smape: mean(top20.map((r) => r.backtest.smape)), fellBack: top20.filter((r) => r.fellBack).length };

function timeTop100(period, horizon, until) {
  const items = f.itemSeries(lines, { period, until, top: 100 });
  const started = process.hrtime.bigint();
  for (const item of items) f.forecastSeries(item.series, { period, horizon });
  return { period, horizon, items: items.length, historyPeriods: items[0].series.length, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
const timings = [timeTop100('week', 8, '2011-12-04'), timeTop100('day', 28, '2011-12-09')];

function mean(values) {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

const report = {
  date: new Date().toISOString(),
  machine: `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}`,
  holdout: { origins: ORIGINS, horizonWeeks: HORIZON, items: 20, ...holdout },
  inSampleSelectionBacktest: inSample,
  timings,
};
console.log(`Online Retail, top 20 items weekly, ${ORIGINS.length} origins (${ORIGINS.join(', ')}), ${HORIZON} weeks ahead, scored on the weeks after each origin (${count} item-weeks):`);
console.log(`  chosen models   MASE ${report.holdout.mase.toFixed(3)}  sMAPE ${report.holdout.smape.toFixed(1)}%`);
console.log(`  seasonal naive  MASE ${report.holdout.seasonalNaiveMase.toFixed(3)}  sMAPE ${report.holdout.seasonalNaiveSmape.toFixed(1)}%`);
for (const o of perOrigin) console.log(`    origin ${o.origin}: MASE ${o.mase.toFixed(3)} vs seasonal naive ${o.seasonalNaiveMase.toFixed(3)}`);
console.log(`  models chosen: ${Object.entries(chosen).map(([m, n]) => `${m} ${n}`).join(', ')}`);
console.log(`In-sample selection backtest (what each forecast reports), top 20 up to 2011-12-04: MASE ${inSample.mase.toFixed(3)} vs seasonal naive ${inSample.seasonalNaiveMase.toFixed(3)}, sMAPE ${inSample.smape.toFixed(1)}%, ${inSample.fellBack} fell back`);
for (const t of timings) console.log(`Top ${t.items} items, ${t.period === "day" ? "daily" : t.period + "ly"} (${t.historyPeriods} periods of history), ${t.horizon} ahead with backtests: ${t.seconds.toFixed(2)} s`);
console.log(report.machine);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(report, null, 2) + '\n');
