import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { fetchAnomalies, fetchBundles, fetchForecasts, fetchPrices, type Period, type RoundRef } from '../api/insights.api';
import { BundleTable, PriceTable } from '../components/insight-tables';
import { BacktestTable, ForecastChart, ForecastPointsTable, formatPeriod } from '../components/forecast-chart';
import { DataTable } from '../components/data-table';
import { formatNumber, formatTime } from '../components/format';
import { ErrorNotice, Loading, Notice } from '../components/status-notice';
import { useProductNames } from '../components/product-names';
import { useSession } from '../auth/session-context';

/**
 * The hub knows SKUs only; a store manager's browser names them from the store's own
 * transactions (as the global patterns view does). Others see SKUs.
 */
function useNamer(consortium: boolean): <T extends { sku: string; name: string }>(item: T) => T {
  const { session } = useSession();
  const manager = session?.user.role === 'store_manager';
  const names = useProductNames(session?.user.storeId, consortium && manager);
  return (item) => (item.name === item.sku && names.get(item.sku) ? { ...item, name: names.get(item.sku)! } : item);
}

// One file for the insights views: a store's own (its manager; `storeId` from the URL) and the
// consortium's (everyone; noisy aggregates of the rounds). Insights refresh in the background
// after rounds and uploads, so the views poll slowly.
const REFRESH = 30_000;

function RoundLine({ round, what }: { round: RoundRef | null | undefined; what: string }) {
  if (round === undefined) return null;
  return round ? (
    <p className="small muted">
      From round <code>{round.roundId.slice(0, 8)}</code>, completed {formatTime(round.completedAt)}.
    </p>
  ) : (
    <Notice>No {what} round has completed yet: these appear after the first one.</Notice>
  );
}

export function BundlesPage({ consortium = false }: { consortium?: boolean }) {
  const { storeId } = useParams();
  const scope = consortium ? undefined : storeId;
  const bundles = useQuery({ queryKey: ['insights', 'bundles', scope ?? 'consortium'], queryFn: () => fetchBundles(scope), refetchInterval: REFRESH });
  const named = useNamer(consortium);
  const list = bundles.data?.bundles.map((b) => ({ ...b, items: b.items.map(named) })) ?? [];
  const aboveOne = bundles.data?.bundles.filter((b) => b.liftAboveOne || (b.store && b.store.lift > 1)).length ?? 0;
  return (
    <>
      <h1>{consortium ? 'Consortium bundles' : `Bundles for ${storeId}`}</h1>
      <p className="muted">
        Items bought together, from the consortium’s latest itemset round, ranked by revenue impact.
        {consortium
          ? ' Numbers are noisy sums over the contributing stores; the lift interval includes that noise.'
          : ' Beside each, this store’s own exact numbers (they never leave the store).'}{' '}
        A lift above 1 means the items go together more often than chance; “above 1” marks bundles whose whole 95% interval is above 1.
      </p>
      <ErrorNotice error={bundles.error} what="the bundles" />
      {bundles.isLoading && <Loading what="the bundles" />}
      {bundles.data && (
        <>
          <RoundLine round={bundles.data.round} what="itemset" />
          <p className="small" data-testid="bundle-summary">
            {bundles.data.bundles.length} bundles
            {consortium
              ? bundles.data.bundles.every((b) => b.lift === null)
                ? ', no lift available from this round (see the notes)'
                : `, ${aboveOne} with the lift clearly above 1`
              : `, ${aboveOne} with a lift above 1 (consortium interval or this store)`}
            .
          </p>
          <BundleTable bundles={list} own={!consortium} caption={consortium ? 'Consortium bundles by revenue impact' : `Bundles by revenue impact: consortium and ${storeId}`} />
        </>
      )}
    </>
  );
}

export function ForecastsPage({ consortium = false }: { consortium?: boolean }) {
  const { storeId } = useParams();
  const scope = consortium ? undefined : storeId;
  const [period, setPeriod] = useState<Period>('week');
  const [chosen, setChosen] = useState<string>();
  const forecasts = useQuery({ queryKey: ['insights', 'forecasts', scope ?? 'consortium', period], queryFn: () => fetchForecasts(scope, { period, top: 20 }), refetchInterval: REFRESH });
  const named = useNamer(consortium);
  const list = forecasts.data?.forecasts.map(named) ?? [];
  const selected = list.find((f) => f.sku === chosen) ?? list[0];
  return (
    <>
      <h1>{consortium ? 'Consortium demand forecasts' : `Demand forecasts for ${storeId}`}</h1>
      <p className="muted">
        {consortium ? 'From the latest demand-series round (noisy sums over the stores).' : 'From this store’s own sales.'} The model of each item is chosen by a rolling-origin backtest and used only if it beats seasonal naive;
        otherwise the forecast falls back to seasonal naive. Periods are dates; weeks start on Monday.
      </p>
      <div className="form-row">
        <div>
          <label htmlFor="forecast-period">Period</label>
          <select id="forecast-period" value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
            <option value="day">day</option>
            <option value="week">week</option>
            <option value="month">month</option>
          </select>
        </div>
        {list.length > 0 && (
          <div>
            <label htmlFor="forecast-item">Item</label>
            <select id="forecast-item" value={selected?.sku} onChange={(e) => setChosen(e.target.value)}>
              {list.map((f) => (
                <option key={f.sku} value={f.sku}>
                  {f.name !== f.sku ? `${f.name.trim()} (${f.sku})` : f.sku}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <ErrorNotice error={forecasts.error} what="the forecasts" />
      {forecasts.isLoading && <Loading what="the forecasts" />}
      {forecasts.data && list.length === 0 && <Notice>{consortium ? 'No demand-series round has completed yet for this period.' : 'No forecasts yet: they are computed after the store’s data arrives.'}</Notice>}
      {selected && (
        <section aria-labelledby="forecast-title">
          <h2 id="forecast-title">
            {selected.name !== selected.sku ? <>{selected.name.trim()} <span className="sku">{selected.sku}</span></> : selected.sku}
          </h2>
          <p className="small" data-testid="forecast-model">
            Model <strong>{selected.model}</strong>
            {selected.backtest ? `: backtest MASE ${formatNumber(selected.backtest.mase)} vs seasonal naive ${formatNumber(selected.backtest.seasonalNaiveMase)}` : ': not backtested (short series)'}
            {selected.fellBack && <span className="badge badge-warn">fell back to seasonal naive</span>}
            {selected.reason && <span className="muted"> ({selected.reason})</span>}
          </p>
          <ForecastChart forecast={selected} />
          <ForecastPointsTable forecast={selected} />
        </section>
      )}
      {list.length > 0 && <BacktestTable forecasts={list} selected={selected?.sku} onSelect={setChosen} />}
    </>
  );
}

export function PricesPage({ consortium = false }: { consortium?: boolean }) {
  const { storeId } = useParams();
  const scope = consortium ? undefined : storeId;
  const prices = useQuery({ queryKey: ['insights', 'prices', scope ?? 'consortium'], queryFn: () => fetchPrices(scope), refetchInterval: REFRESH });
  const named = useNamer(consortium);
  const hints = prices.data?.items.filter((p) => p.recommendation).length ?? 0;
  return (
    <>
      <h1>{consortium ? 'Consortium price hints' : `Price hints for ${storeId}`}</h1>
      <p className="muted">
        Own-price elasticity (how much demand moves when the price moves 1%) from {consortium ? 'the latest price-response round' : 'this store’s weekly sales'}. A hint is given only when the 95% interval supports it; otherwise the page says
        “not enough evidence” and why.
      </p>
      <ErrorNotice error={prices.error} what="the price hints" />
      {prices.isLoading && <Loading what="the price hints" />}
      {prices.data && (
        <>
          {consortium && <RoundLine round={prices.data.round} what="price-response" />}
          <p className="small" data-testid="price-summary">
            {prices.data.items.length} items, {hints} with a price hint, {prices.data.items.length - hints} with not enough evidence.
          </p>
          <PriceTable items={prices.data.items.map(named)} caption="Elasticities and price hints" />
        </>
      )}
    </>
  );
}

export function AnomaliesPage() {
  const anomalies = useQuery({ queryKey: ['insights', 'anomalies'], queryFn: fetchAnomalies, refetchInterval: REFRESH });
  const [kind, setKind] = useState('');
  const [all, setAll] = useState(false);
  const { session } = useSession();
  const names = useProductNames(session?.user.storeId, session?.user.role === 'store_manager');
  const kinds = { spike: 'spike', dip: 'dip', 'level-shift': 'level shift' } as Record<string, string>;
  const every = [...(anomalies.data?.anomalies ?? [])].sort((a, b) => b.period.localeCompare(a.period));
  const chosen = every.filter((a) => !kind || a.kind === kind);
  const shown = all ? chosen : chosen.slice(0, 50);
  const count = (k: string) => every.filter((a) => a.kind === k).length;
  return (
    <>
      <h1>Consortium anomalies</h1>
      <p className="muted">Unusual periods of the consortium’s demand series: spikes and dips far from the running median, and lasting level shifts.</p>
      <ErrorNotice error={anomalies.error} what="the anomalies" />
      {anomalies.isLoading && <Loading what="the anomalies" />}
      {anomalies.data && (
        <>
          <RoundLine round={anomalies.data.round} what="demand-series" />
          <p className="small" data-testid="anomaly-summary">
            {every.length} anomalies: {count('spike')} spikes, {count('dip')} dips, {count('level-shift')} level shifts.
          </p>
          <div className="form-row">
            <div>
              <label htmlFor="anomaly-kind">Kind</label>
              <select id="anomaly-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
                <option value="">every kind</option>
                {Object.entries(kinds).map(([value, text]) => (
                  <option key={value} value={value}>
                    {text}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <DataTable
            caption="Anomalies, newest period first"
            columns={[
              { key: 'period', header: 'Period from', cell: (a) => formatPeriod(a.period) },
              { key: 'sku', header: 'Item', cell: (a) => (names.get(a.sku) ? <>{names.get(a.sku)!.trim()} <span className="sku">{a.sku}</span></> : <code>{a.sku}</code>) },
              { key: 'kind', header: 'Kind', cell: (a) => <span className={`badge ${a.kind === 'dip' ? 'badge-warn' : ''}`}>{kinds[a.kind] ?? a.kind}</span> },
              { key: 'quantity', header: 'Sold (units)', numeric: true, cell: (a) => formatNumber(a.quantity) },
              { key: 'expected', header: 'Expected', numeric: true, cell: (a) => formatNumber(a.expected) },
            ]}
            rows={shown}
            rowKey={(a) => `${a.sku}.${a.period}.${a.kind}`}
            empty="No anomaly in the consortium series."
          />
          {chosen.length > shown.length && (
            <button type="button" onClick={() => setAll(true)}>
              Show all {chosen.length}
            </button>
          )}
        </>
      )}
    </>
  );
}
