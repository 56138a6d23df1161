import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ItemForecast } from '../api/insights.api';
import { DataTable } from './data-table';
import { formatNumber } from './format';

const periodDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
/** A period is a calendar date (its first day), not an instant: shown as that date everywhere. */
export const formatPeriod = (period: string) => {
  const date = new Date(`${period.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? period : periodDate.format(date);
};

interface Row {
  period: string;
  history?: number;
  forecast?: number;
  band95?: [number, number];
  band80?: [number, number];
}

/** History as a line, then the forecast with its 95% and 80% intervals as bands. */
export function ForecastChart({ forecast, historyPeriods = 26 }: { forecast: ItemForecast; historyPeriods?: number }) {
  const history = forecast.history.slice(-historyPeriods);
  const rows: Row[] = history.map((h) => ({ period: h.period, history: h.quantity }));
  // The forecast line starts at the last observed period so the two lines meet.
  if (rows.length && forecast.points.length) {
    const last = rows[rows.length - 1];
    last.forecast = last.history;
    last.band95 = [last.history!, last.history!];
    last.band80 = [last.history!, last.history!];
  }
  for (const p of forecast.points) rows.push({ period: p.period, forecast: p.quantity, band95: [p.lower95, p.upper95], band80: [p.lower80, p.upper80] });
  const label = `${forecast.name} (${forecast.sku}): ${history.length} periods of history and ${forecast.points.length} forecast with 80% and 95% intervals; the table below has the numbers`;
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={300}>
        <ComposedChart data={rows} margin={{ top: 10, right: 20, bottom: 10, left: 10 }}>
          <CartesianGrid stroke="#d0d7de" />
          <XAxis dataKey="period" tickFormatter={formatPeriod} tick={{ fill: '#24292f', fontSize: 12 }} minTickGap={24} />
          <YAxis tick={{ fill: '#24292f' }} width={60} label={{ value: 'units', angle: -90, position: 'insideLeft', fill: '#24292f' }} />
          <Tooltip
            labelFormatter={(value) => formatPeriod(String(value))}
            formatter={(value: unknown, name: unknown) => [Array.isArray(value) ? `${formatNumber(Number(value[0]))} – ${formatNumber(Number(value[1]))}` : formatNumber(Number(value)), String(name)]}
          />
          <Legend formatter={(value) => <span className="legend-text">{String(value)}</span>} />
          <Area type="linear" dataKey="band95" name="95% interval" stroke="none" fill="#9ecbff" fillOpacity={0.45} isAnimationActive={false} />
          <Area type="linear" dataKey="band80" name="80% interval" stroke="none" fill="#54aeff" fillOpacity={0.55} isAnimationActive={false} />
          <Line type="linear" dataKey="history" name="sold" stroke="#1f2328" strokeWidth={2} dot={false} isAnimationActive={false} />
          <Line type="linear" dataKey="forecast" name="forecast" stroke="#0a3069" strokeWidth={2.5} strokeDasharray="6 3" dot={{ r: 2.5, fill: '#0a3069' }} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

export function ForecastPointsTable({ forecast }: { forecast: ItemForecast }) {
  return (
    <DataTable
      caption={`Forecast of ${forecast.name}`}
      columns={[
        { key: 'period', header: 'Period from', cell: (p) => formatPeriod(p.period) },
        { key: 'quantity', header: 'Forecast (units)', numeric: true, cell: (p) => formatNumber(p.quantity) },
        { key: 'i80', header: '80% interval', numeric: true, cell: (p) => `${formatNumber(p.lower80)} – ${formatNumber(p.upper80)}` },
        { key: 'i95', header: '95% interval', numeric: true, cell: (p) => `${formatNumber(p.lower95)} – ${formatNumber(p.upper95)}` },
      ]}
      rows={forecast.points}
      rowKey={(p) => p.period}
    />
  );
}

/** Every item's model and its backtest: MASE against seasonal naive's, and whether it fell back to seasonal naive. */
export function BacktestTable({ forecasts, selected, onSelect }: { forecasts: ItemForecast[]; selected?: string; onSelect: (sku: string) => void }) {
  return (
    <DataTable
      caption="Models and their rolling-origin backtest: MASE of the chosen model against seasonal naive (lower is better)"
      columns={[
        {
          key: 'item',
          header: 'Item',
          cell: (f) => (
            <button type="button" className="link-button item-button" aria-pressed={f.sku === selected} onClick={() => onSelect(f.sku)}>
              {f.name !== f.sku ? <>{f.name.trim()} <span className="sku">{f.sku}</span></> : <code>{f.sku}</code>}
            </button>
          ),
        },
        { key: 'model', header: 'Model', cell: (f) => f.model },
        { key: 'mase', header: 'MASE', numeric: true, cell: (f) => (f.backtest ? formatNumber(f.backtest.mase) : '—') },
        { key: 'naive', header: 'Seasonal naive MASE', numeric: true, cell: (f) => (f.backtest ? formatNumber(f.backtest.seasonalNaiveMase) : '—') },
        { key: 'smape', header: 'sMAPE', numeric: true, cell: (f) => (f.backtest ? `${formatNumber(f.backtest.smape)}%` : '—') },
        {
          key: 'fell-back',
          header: 'Fell back',
          cell: (f) => (f.fellBack ? <span className="badge badge-warn">fell back to seasonal naive</span> : f.backtest ? <span className="badge badge-ok">beats seasonal naive</span> : <span className="muted small">not backtested</span>),
        },
        { key: 'reason', header: 'Note', cell: (f) => <span className="small muted">{f.reason ?? (f.backtest ? '' : 'series too short to backtest')}</span> },
      ]}
      rows={forecasts}
      rowKey={(f) => f.sku}
      empty="No forecasts yet."
    />
  );
}
