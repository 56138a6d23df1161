import { createReadStream, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FILE_FORMATS, parseTransactions, type FileFormat } from '@tessera/formats';
import { forecastSeries, isPeriod, itemSeries, lastCompletePeriodEnd, type SaleLine } from '@tessera/forecast';
import type { CommandIo } from '../main';

const USAGE = `usage: tessera forecast --dataset FILE --format lineitem-csv|seed-csv|seed-json --until YYYY-MM-DD
                        [--horizon 8] [--period day|week|month] [--top 20] [--json]
Forecasts the top items by quantity from the data up to --until (inclusive), per period
(weeks start Monday; missing periods count as 0). Each item's model is chosen on a rolling-
origin backtest (MSTL-ETS, AutoETS) and used only if it beats seasonal naive on MASE;
otherwise the forecast is seasonal naive. A period that --until cuts short is forecast, not
used as history.
`;

function fail(io: CommandIo, message: string): number {
  io.stderr.write(`tessera forecast: ${message}\n\n${USAGE}`);
  return 2;
}

/** `tessera forecast`: demand forecasts with intervals and backtests from a transaction file. */
export async function forecastCommand(argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dataset: { type: 'string' },
        format: { type: 'string', default: 'lineitem-csv' },
        until: { type: 'string' },
        horizon: { type: 'string', default: '8' },
        period: { type: 'string', default: 'week' },
        top: { type: 'string', default: '20' },
        json: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return fail(io, (error as Error).message);
  }
  if (!values.dataset) return fail(io, '--dataset is required');
  if (!existsSync(values.dataset)) return fail(io, `cannot read ${values.dataset}: no such file`);
  const format = values.format as FileFormat;
  if (!FILE_FORMATS.includes(format) || format === 'spmf') return fail(io, '--format must be lineitem-csv, seed-csv or seed-json (SPMF files have no dates)');
  if (!values.until || !/^\d{4}-\d{2}-\d{2}$/.test(values.until) || Number.isNaN(Date.parse(values.until))) return fail(io, '--until must be a date YYYY-MM-DD');
  const period = values.period;
  if (!isPeriod(period)) return fail(io, '--period must be day, week or month');
  const horizon = Number(values.horizon);
  const top = Number(values.top);
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 366) return fail(io, '--horizon must be an integer from 1 to 366');
  if (!Number.isInteger(top) || top < 1 || top > 10000) return fail(io, '--top must be an integer from 1 to 10000');

  const lines: SaleLine[] = [];
  let rowErrors = 0;
  try {
    for await (const event of parseTransactions(createReadStream(values.dataset), format)) {
      if (event.kind === 'error') {
        rowErrors++;
        continue;
      }
      const { occurredAt } = event.transaction;
      if (!occurredAt) continue;
      for (const line of event.transaction.lines) lines.push({ sku: line.sku, ...(line.name ? { name: line.name } : {}), date: occurredAt, quantity: line.quantity });
    }
  } catch (error) {
    io.stderr.write(`tessera forecast: ${(error as Error).message}\n`);
    return 1;
  }
  const until = lastCompletePeriodEnd(values.until, period);
  const started = Date.now();
  const items = itemSeries(lines, { period, until, top });
  if (!items.length) {
    io.stderr.write(`tessera forecast: no dated sales up to ${values.until} in ${values.dataset}\n`);
    return 1;
  }
  const forecasts = items.map((item) => ({ item, result: forecastSeries(item.series, { period, horizon }) }));
  const seconds = (Date.now() - started) / 1000;
  if (values.json) {
    io.stdout.write(
      JSON.stringify({
        forecasts: forecasts.map(({ item, result }) => ({
          sku: item.sku,
          model: result.model,
          points: result.points,
          backtest: result.backtest ? { mase: result.backtest.mase, smape: result.backtest.smape, seasonalNaiveMase: result.backtest.seasonalNaiveMase } : null,
        })),
      }) + '\n',
    );
    return 0;
  }
  const say = (line: string) => io.stdout.write(line + '\n');
  say(`${items.length} items, ${period}ly up to ${until} (${items[0].series.length} periods of history; ${rowErrors} rows rejected by the parser), forecast ${horizon} ${period}s ahead in ${seconds.toFixed(1)} s`);
  say('');
  say(`${'sku'.padEnd(10)} ${'model'.padEnd(15)} ${'MASE'.padStart(6)} ${'sn MASE'.padStart(8)} ${'sMAPE'.padStart(6)}  next ${period} [95%]   name`);
  for (const { item, result } of forecasts) {
    const b = result.backtest;
    const next = result.points[0];
    say(
      `${item.sku.padEnd(10)} ${(result.model + (result.fellBack ? '*' : '')).padEnd(15)} ${(b ? b.mase.toFixed(2) : '-').padStart(6)} ${(b ? b.seasonalNaiveMase.toFixed(2) : '-').padStart(8)} ${(b ? b.smape.toFixed(0) : '-').padStart(6)}  ${next.quantity.toFixed(0)} [${next.lower95.toFixed(0)}, ${next.upper95.toFixed(0)}]   ${item.name ?? ''}`,
    );
  }
  say('');
  say('* fell back to seasonal naive: no model beat it on the rolling-origin backtest');
  return 0;
}
