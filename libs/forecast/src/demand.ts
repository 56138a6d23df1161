// Per-item demand series from dated sales lines: the top items by quantity, each as a
// series of consecutive periods (missing periods are 0) up to a cut-off.
import { periodStart, toPeriodSeries, type Period, type SeriesPoint } from './periods';

export interface SaleLine {
  sku: string;
  name?: string;
  /** ISO date or timestamp of the sale. */
  date: string;
  quantity: number;
}

export interface ItemSeries {
  sku: string;
  name?: string;
  totalQuantity: number;
  series: SeriesPoint[];
}

export interface ItemSeriesOptions {
  period: Period;
  /** Last day of data used (inclusive, ISO date); later sales are ignored. */
  until?: string;
  top?: number;
  skus?: readonly string[];
}

/**
 * Series of the `top` items by quantity sold up to `until`. Every series starts at the
 * period of the first sale of any item (so a new item's earlier periods are zeros) and
 * ends at the period containing `until`. Returns are negative quantities and are netted.
 */
export function itemSeries(lines: Iterable<SaleLine>, options: ItemSeriesOptions): ItemSeries[] {
  const untilDay = options.until;
  const byItem = new Map<string, { name?: string; total: number; sales: { date: string; quantity: number }[] }>();
  let first: string | undefined;
  let last: string | undefined;
  const wanted = options.skus ? new Set(options.skus) : null;
  for (const line of lines) {
    const day = line.date.slice(0, 10);
    if (untilDay && day > untilDay) continue;
    if (first === undefined || day < first) first = day;
    if (last === undefined || day > last) last = day;
    if (wanted && !wanted.has(line.sku)) continue;
    let item = byItem.get(line.sku);
    if (!item) byItem.set(line.sku, (item = { name: line.name, total: 0, sales: [] }));
    if (!item.name && line.name) item.name = line.name;
    item.total += line.quantity;
    item.sales.push({ date: day, quantity: line.quantity });
  }
  if (first === undefined) return [];
  const from = periodStart(first, options.period);
  const until = periodStart(untilDay ?? last!, options.period);
  return [...byItem.entries()]
    .sort((a, b) => b[1].total - a[1].total || a[0].localeCompare(b[0]))
    .slice(0, options.top ?? byItem.size)
    .map(([sku, item]) => ({ sku, ...(item.name ? { name: item.name } : {}), totalQuantity: item.total, series: toPeriodSeries(item.sales, options.period, { from, until }) }));
}
