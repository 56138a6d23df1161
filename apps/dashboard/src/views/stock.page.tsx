import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { fetchStockAlerts, parseStockFile, recordStock, type StockAlert } from '../api/insights.api';
import { DataTable } from '../components/data-table';
import { formatNumber } from '../components/format';
import { ErrorNotice, Loading, Notice } from '../components/status-notice';

/** A datetime-local value (the user's zone) for now, minute precision. */
function localNow(): string {
  const now = new Date();
  now.setMinutes(now.getMinutes() - now.getTimezoneOffset());
  return now.toISOString().slice(0, 16);
}

/** Stock alerts (reorder point from the daily forecast, days to stock-out) and the stock count upload. */
export function StockPage() {
  const { storeId = '' } = useParams();
  const client = useQueryClient();
  const [countedAt, setCountedAt] = useState(localNow);
  const [file, setFile] = useState<File | null>(null);
  const [parseError, setParseError] = useState<string>();
  const alerts = useQuery({ queryKey: ['insights', 'stock', storeId], queryFn: () => fetchStockAlerts(storeId), refetchInterval: 15_000 });
  const upload = useMutation({
    mutationFn: (snapshot: unknown) => recordStock(storeId, snapshot),
    onSuccess: (answer) => client.setQueryData(['insights', 'stock', storeId], { alerts: answer.alerts }),
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setParseError(undefined);
    if (!file) return;
    // datetime-local is in the user's zone; the snapshot carries an instant.
    const parsed = parseStockFile(await file.text(), new Date(countedAt).toISOString());
    if (parsed.error) setParseError(parsed.error);
    else upload.mutate(parsed.snapshot);
  };
  const list = alerts.data?.alerts ?? [];
  const below = list.filter((a) => a.belowReorderPoint).length;
  return (
    <>
      <h1>Stock alerts for {storeId}</h1>
      <p className="muted">
        Reorder point = expected demand over the lead time (from the daily forecast) plus safety stock for the service level. Days to stock-out: when the forecast demand reaches the stock, within 28 days.
      </p>
      <form onSubmit={submit} aria-label="Upload a stock count" className="panel">
        <h2>Upload a stock count</h2>
        <p className="small muted">
          A CSV with the columns <code>sku,stock</code> (optionally <code>leadTimeDays,serviceLevel,name</code>) or a stock snapshot JSON (<code>schemas/stock-snapshot.v1.schema.json</code>). A later count of an item replaces the earlier one.
        </p>
        <div className="form-row">
          <div>
            <label htmlFor="stock-file">Stock count file</label>
            <input id="stock-file" type="file" accept=".csv,.json,text/csv,application/json" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </div>
          <div>
            <label htmlFor="counted-at">Counted at (your time)</label>
            <input id="counted-at" type="datetime-local" required value={countedAt} onChange={(e) => setCountedAt(e.target.value)} />
          </div>
          <button type="submit" className="primary" disabled={upload.isPending || !file}>
            Upload
          </button>
        </div>
        {parseError && (
          <div className="notice notice-error" role="alert">
            <strong>Could not read the file.</strong> {parseError}
          </div>
        )}
        <ErrorNotice error={upload.error} what="the stock count" />
        {upload.data && (
          <Notice kind="success">
            {upload.data.items} items recorded. Items counted for the first time get their reorder point at the next refresh (within a minute).
          </Notice>
        )}
      </form>
      <ErrorNotice error={alerts.error} what="the stock alerts" />
      {alerts.isLoading && <Loading what="the stock alerts" />}
      {alerts.data && (
        <>
          <p className="small" data-testid="stock-summary">
            {list.length} counted items, {below} at or below their reorder point.
          </p>
          <DataTable
            caption="Counted items, alerts first"
            columns={[
              { key: 'item', header: 'Item', cell: (a: StockAlert) => (a.name && a.name !== a.sku ? <>{a.name.trim()} <span className="sku">{a.sku}</span></> : <code>{a.sku}</code>) },
              { key: 'alert', header: 'Alert', cell: (a) => (a.belowReorderPoint ? <span className="badge badge-bad">reorder now</span> : <span className="badge badge-ok">enough</span>) },
              { key: 'stock', header: 'In stock', numeric: true, cell: (a) => formatNumber(a.stock) },
              { key: 'reorder', header: 'Reorder point', numeric: true, cell: (a) => formatNumber(a.reorderPoint) },
              { key: 'days', header: 'Days to stock-out', numeric: true, cell: (a) => (a.daysToStockOut === null ? 'over 28' : formatNumber(a.daysToStockOut)) },
              { key: 'lead', header: 'Lead time (days)', numeric: true, cell: (a) => formatNumber(a.leadTimeDays) },
              { key: 'service', header: 'Service level', numeric: true, cell: (a) => `${formatNumber(a.serviceLevel)}%` },
            ]}
            rows={list}
            rowKey={(a) => a.sku}
            empty="No stock counted yet: upload a count above."
          />
        </>
      )}
    </>
  );
}
