import { useState, type FormEvent } from 'react';
import { useMutation, useQueries, useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { fetchJob, rememberedJobs, rememberJob, startMining, type StartMining } from '../api/mining.api';
import { DataTable } from '../components/data-table';
import { formatPercent, formatTime } from '../components/format';
import { ErrorNotice } from '../components/status-notice';
import { fetchRuns } from '../api/schedules.api';

export function MiningPage() {
  const { storeId = '' } = useParams();
  const navigate = useNavigate();
  const [mode, setMode] = useState<'threshold' | 'top-k'>('threshold');
  const [threshold, setThreshold] = useState('1');
  const [unit, setUnit] = useState<'percent' | 'amount'>('percent');
  const [topK, setTopK] = useState('50');
  const [maxLength, setMaxLength] = useState('3');
  const start = useMutation({
    mutationFn: (body: StartMining) => startMining(body),
    onSuccess: (job) => {
      rememberJob(storeId, job.jobId);
      navigate(`/stores/${encodeURIComponent(storeId)}/mining/${job.jobId}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body: StartMining = { storeId, maxPatternLength: maxLength ? Number(maxLength) : undefined };
    if (mode === 'top-k') body.topK = Number(topK);
    else body.minUtility = unit === 'percent' ? `${threshold}%` : Number(threshold);
    start.mutate(body);
  };
  // The API lists no ad-hoc mining jobs; scheduled runs name theirs (GET /api/jobs), and this
  // browser remembers the ones it started: the table shows both.
  const runs = useQuery({ queryKey: ['schedules', 'runs'], queryFn: () => fetchRuns({ limit: 200 }), refetchInterval: 30_000 });
  const scheduled = new Set((runs.data?.jobs ?? []).filter((run) => run.kind === 'mining' && run.storeId === storeId && run.result?.miningJobId).map((run) => run.result!.miningJobId!));
  const jobs = [...new Set([...rememberedJobs(storeId), ...scheduled])];
  const jobQueries = useQueries({ queries: jobs.map((jobId) => ({ queryKey: ['mining-job', storeId, jobId], queryFn: () => fetchJob(storeId, jobId), retry: false })) });
  return (
    <>
      <h1>Mining</h1>
      <p className="muted">High-utility itemsets of this store’s own transactions (EFIM). Nothing here leaves the store.</p>
      <form onSubmit={submit} aria-label="Start a mining job">
        <fieldset>
          <legend>Mode</legend>
          <label className="inline">
            <input type="radio" name="mode" checked={mode === 'threshold'} onChange={() => setMode('threshold')} /> Threshold
          </label>
          <label className="inline">
            <input type="radio" name="mode" checked={mode === 'top-k'} onChange={() => setMode('top-k')} /> Top-k
          </label>
        </fieldset>
        <div className="form-row">
          {mode === 'threshold' ? (
            <>
              <div>
                <label htmlFor="threshold">Minimum utility</label>
                <input id="threshold" type="number" min={0} step="any" required value={threshold} onChange={(e) => setThreshold(e.target.value)} />
              </div>
              <div>
                <label htmlFor="unit">Unit</label>
                <select id="unit" value={unit} onChange={(e) => setUnit(e.target.value as 'percent' | 'amount')}>
                  <option value="percent">% of the store’s revenue</option>
                  <option value="amount">currency units</option>
                </select>
              </div>
            </>
          ) : (
            <div>
              <label htmlFor="top-k">k (itemsets of highest utility)</label>
              <input id="top-k" type="number" min={1} max={10000} required value={topK} onChange={(e) => setTopK(e.target.value)} />
            </div>
          )}
          <div>
            <label htmlFor="max-length">Longest itemset</label>
            <input id="max-length" type="number" min={1} max={20} value={maxLength} onChange={(e) => setMaxLength(e.target.value)} />
          </div>
          <button type="submit" className="primary" disabled={start.isPending}>
            Start mining
          </button>
        </div>
      </form>
      <ErrorNotice error={start.error} what="the mining job" />
      <DataTable
        caption="Jobs started from this browser and by schedules"
        columns={[
          { key: 'origin', header: 'Started by', cell: (row) => (scheduled.has(row.jobId) ? 'schedule' : 'you') },
          { key: 'job', header: 'Job', cell: (row) => <Link to={`/stores/${encodeURIComponent(storeId)}/mining/${row.jobId}`}>{row.jobId.slice(0, 8)}</Link> },
          { key: 'status', header: 'Status', cell: (row) => row.status },
          { key: 'progress', header: 'Progress', numeric: true, cell: (row) => formatPercent(row.progress) },
          { key: 'created', header: 'Started', cell: (row) => formatTime(row.createdAt) },
        ]}
        rows={jobQueries
          .map((q, i) => q.data ?? { jobId: jobs[i], status: q.isError ? 'unknown' : 'loading', progress: NaN, createdAt: '' })
          .sort((a, b) => (Date.parse(b.createdAt) || 0) - (Date.parse(a.createdAt) || 0))}
        rowKey={(row) => row.jobId}
        empty="No jobs yet: start one above."
      />
    </>
  );
}
