import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { forecastCommand } from './forecast';
import { runCommand } from '../testing/run-command';

const run = (argv: string[]) => runCommand(forecastCommand, argv);

// 30 weeks of daily baskets: item A sells 10 a day, B 3 a day on weekdays; nothing after 2011-07-31 counts.
const rows = ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country'];
for (let day = 0; day < 230; day++) {
  const date = new Date(Date.UTC(2011, 0, 3 + day)).toISOString().slice(0, 10);
  rows.push(`${500000 + day},A,ITEM A,${10 + (day % 3)},${date} 10:00:00,1.50,,France`);
  if (day % 7 < 5) rows.push(`${500000 + day},B,ITEM B,3,${date} 10:00:00,2.00,,France`);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-forecast-'));
const file = path.join(dir, 'lines.csv');
fs.writeFileSync(file, rows.join('\n') + '\n');

test('tessera forecast --json prints exactly the documented shape, weeks from Monday after --until', async () => {
  const { code, out, err } = await run(['--dataset', file, '--format', 'lineitem-csv', '--until', '2011-07-31', '--horizon', '4', '--period', 'week', '--top', '2', '--json']);
  assert.equal(code, 0, err);
  const parsed = JSON.parse(out);
  assert.deepEqual(Object.keys(parsed), ['forecasts']);
  assert.deepEqual(parsed.forecasts.map((f: { sku: string }) => f.sku), ['A', 'B']);
  for (const forecast of parsed.forecasts) {
    assert.deepEqual(Object.keys(forecast), ['sku', 'model', 'points', 'backtest']);
    assert.deepEqual(Object.keys(forecast.backtest), ['mase', 'smape', 'seasonalNaiveMase']);
    assert.equal(forecast.points.length, 4);
    assert.deepEqual(Object.keys(forecast.points[0]), ['period', 'quantity', 'lower80', 'upper80', 'lower95', 'upper95']);
    assert.deepEqual(forecast.points.map((p: { period: string }) => p.period), ['2011-08-01', '2011-08-08', '2011-08-15', '2011-08-22']);
  }
  const a = parsed.forecasts[0].points[0].quantity;
  assert.ok(a > 60 && a < 90, `item A sells about 77 a week, forecast ${a}`);
});

test('tessera forecast forecasts the period --until cuts short, and refuses bad options naming them', async () => {
  const cut = await run(['--dataset', file, '--until', '2011-07-27', '--horizon', '1', '--period', 'week', '--top', '1', '--json']);
  assert.equal(cut.code, 0, cut.err);
  assert.equal(JSON.parse(cut.out).forecasts[0].points[0].period, '2011-07-25');
  assert.equal((await run(['--dataset', file, '--until', '2011-13-40'])).code, 2);
  const bad = await run(['--dataset', file, '--until', '2011-07-31', '--period', 'year']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--period must be day, week or month/);
  assert.match((await run(['--dataset', file, '--until', '2011-07-31', '--format', 'spmf'])).err, /no dates/);
});
