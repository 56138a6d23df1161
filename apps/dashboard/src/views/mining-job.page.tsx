import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import { cancelJob, exportResultsCsv, fetchJob, fetchResults, type MinedPattern, type ResultsQuery } from '../api/mining.api';
import { DataTable, Pager } from '../components/data-table';
import { formatMoney, formatNumber, formatPercent, formatTime } from '../components/format';
import { ErrorNotice, Loading } from '../components/status-notice';
import { ItemsCell } from '../components/items-cell';
import { itemLabel, useProductNames } from '../components/product-names';

const PAGE = 25;
const DONE = ['completed', 'failed', 'cancelled'];

export function MiningJobPage() {
  const { storeId = '', jobId = '' } = useParams();
  const names = useProductNames(storeId, true);
  // Mining has no event stream: poll the job every second while it runs.
  const job = useQuery({ queryKey: ['mining-job', storeId, jobId], queryFn: () => fetchJob(storeId, jobId), refetchInterval: (q) => (q.state.data && DONE.includes(q.state.data.status) ? false : 1000) });
  const [sort, setSort] = useState<{ key: NonNullable<ResultsQuery['sortBy']>; order: 'asc' | 'desc' }>({ key: 'utility', order: 'desc' });
  const [contains, setContains] = useState('');
  const [minLength, setMinLength] = useState('');
  const [offset, setOffset] = useState(0);
  const filter: ResultsQuery = { sortBy: sort.key, order: sort.order, containsItem: contains.trim() || undefined, minLength: minLength ? Number(minLength) : undefined };
  const completed = job.data?.status === 'completed';
  const results = useQuery({ queryKey: ['mining-results', storeId, jobId, filter, offset], enabled: completed, placeholderData: keepPreviousData, queryFn: () => fetchResults(storeId, jobId, { ...filter, limit: PAGE, offset }) });
  const chart = useQuery({ queryKey: ['mining-chart', storeId, jobId], enabled: completed, queryFn: () => fetchResults(storeId, jobId, { sortBy: 'utility', order: 'desc', limit: 500 }) });
  const [exportError, setExportError] = useState<unknown>();
  const onSort = (key: string) => {
    setSort((current) => ({ key: key as typeof current.key, order: current.key === key && current.order === 'desc' ? 'asc' : 'desc' }));
    setOffset(0);
  };
  const data = job.data;
  return (
    <>
      <h1>Mining job {jobId.slice(0, 8)}</h1>
      <ErrorNotice error={job.error} what="the job" />
      {data && (
        <section aria-labelledby="job-status">
          <h2 id="job-status">
            Status: <span data-testid="job-status">{data.status}</span>
            {data.phase && data.phase !== data.status ? ` (${data.phase})` : ''}
          </h2>
          <label htmlFor="job-progress">Progress</label> <progress id="job-progress" max={1} value={data.progress} /> <span aria-live="polite">{formatPercent(data.progress)}</span>
          <p className="small muted">
            started {formatTime(data.startedAt ?? data.createdAt)}
            {data.completedAt ? `, finished ${formatTime(data.completedAt)}` : ''}
          </p>
          {data.error && <p role="alert">{data.error}</p>}
          {!DONE.includes(data.status) && (
            <button type="button" onClick={() => void cancelJob(storeId, jobId).then(() => job.refetch())}>
              Cancel
            </button>
          )}
        </section>
      )}
      {completed && (
        <>
          <section aria-labelledby="chart-title">
            <h2 id="chart-title">Utility against support (top {chart.data?.patterns.length ?? 0} itemsets)</h2>
            <div className="chart" role="img" aria-label="Scatter chart of each itemset's utility against its support; the table below has the same numbers">
              <ResponsiveContainer width="100%" height={300}>
                <ScatterChart margin={{ top: 10, right: 20, bottom: 30, left: 20 }}>
                  <CartesianGrid stroke="#d0d7de" />
                  <XAxis type="number" dataKey="support" name="Support" label={{ value: 'support (transactions)', position: 'bottom', fill: '#24292f' }} tick={{ fill: '#24292f' }} />
                  <YAxis type="number" dataKey="utility" name="Utility" tick={{ fill: '#24292f' }} width={80} label={{ value: 'utility', angle: -90, position: 'insideLeft', fill: '#24292f' }} />
                  <ZAxis range={[40, 40]} />
                  <Tooltip formatter={(value: unknown, name: unknown) => [formatNumber(Number(value)), String(name)]} labelFormatter={() => ''} content={({ payload }) => (payload?.[0] ? <div className="tooltip">{(payload[0].payload as MinedPattern).items.map((sku) => itemLabel(sku, names)).join(' + ')}<br />utility {formatMoney((payload[0].payload as MinedPattern).utility)}, support {(payload[0].payload as MinedPattern).support}</div> : null)} />
                  <Scatter data={chart.data?.patterns ?? []} fill="#1a5fb4" />
                </ScatterChart>
              </ResponsiveContainer>
            </div>
          </section>
          <section aria-labelledby="results-title">
            <h2 id="results-title">Itemsets</h2>
            <div className="form-row">
              <div>
                <label htmlFor="contains">Contains SKU</label>
                <input id="contains" value={contains} onChange={(e) => { setContains(e.target.value); setOffset(0); }} />
              </div>
              <div>
                <label htmlFor="min-length">At least items</label>
                <input id="min-length" type="number" min={1} value={minLength} onChange={(e) => { setMinLength(e.target.value); setOffset(0); }} />
              </div>
              <button type="button" onClick={() => exportResultsCsv(storeId, jobId, filter).catch(setExportError)}>
                Export CSV
              </button>
            </div>
            <ErrorNotice error={exportError ?? results.error} what="the results" />
            {results.isLoading && <Loading what="the itemsets" />}
            {results.data && (
              <>
                <DataTable<MinedPattern>
                  caption={`Itemsets of job ${jobId.slice(0, 8)}`}
                  sort={sort}
                  onSort={onSort}
                  columns={[
                    { key: 'rank', header: 'Rank', numeric: true, cell: (p) => p.rank },
                    { key: 'items', header: 'Items', cell: (p) => <ItemsCell items={p.items} names={names} /> },
                    { key: 'length', header: 'Length', numeric: true, sortable: true, cell: (p) => p.items.length },
                    { key: 'utility', header: 'Utility', numeric: true, sortable: true, cell: (p) => formatMoney(p.utility) },
                    { key: 'support', header: 'Support', numeric: true, sortable: true, cell: (p) => p.support },
                    { key: 'confidence', header: 'Confidence', numeric: true, sortable: true, cell: (p) => formatPercent(p.confidence) },
                  ]}
                  rows={results.data.patterns}
                  rowKey={(p) => p.items.join('+')}
                  empty="No itemset matches."
                />
                <Pager label="Itemsets" total={results.data.total} limit={PAGE} offset={offset} onChange={setOffset} />
              </>
            )}
          </section>
        </>
      )}
    </>
  );
}
