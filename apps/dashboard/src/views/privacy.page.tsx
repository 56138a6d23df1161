import { useState, type FormEvent } from 'react';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { fetchBudget, fetchLedger, previewImpact, type LedgerEntry } from '../api/privacy.api';
import { rememberedJobs } from '../api/mining.api';
import { useSession } from '../auth/session-context';
import { DataTable, Pager } from '../components/data-table';
import { formatMoney, formatNumber, formatPercent, formatTime } from '../components/format';
import { ErrorNotice, Loading } from '../components/status-notice';
import { ItemsCell } from '../components/items-cell';
import { useProductNames } from '../components/product-names';

const PAGE = 20;

export function PrivacyPage() {
  const { storeId = '' } = useParams();
  const { session } = useSession();
  const role = session!.user.role;
  const budget = useQuery({ queryKey: ['budget', storeId], queryFn: () => fetchBudget(storeId) });
  const [offset, setOffset] = useState(0);
  const ledger = useQuery({ queryKey: ['ledger', storeId, offset], enabled: role !== 'regional_coordinator', placeholderData: keepPreviousData, queryFn: () => fetchLedger(storeId, PAGE, offset) });
  const b = budget.data;
  return (
    <>
      <h1>Privacy budget</h1>
      <ErrorNotice error={budget.error} what="the budget" />
      {budget.isLoading && <Loading what="the budget" />}
      {b && (
        <section aria-labelledby="budget-title">
          <h2 id="budget-title">
            ε spent {formatNumber(b.spentEpsilon)} of {formatNumber(b.epsilonCap)} (δ = {b.delta})
          </h2>
          <div className="meter-row">
            <label htmlFor="budget-meter">Spent</label>
            <meter id="budget-meter" min={0} max={b.epsilonCap} value={b.spentEpsilon} high={b.epsilonCap * 0.8} optimum={0}>
              {formatNumber(b.spentEpsilon)}
            </meter>
            <span data-testid="remaining-epsilon">ε {formatNumber(b.remainingEpsilon)} remaining</span>
          </div>
          <p className="small muted">
            {b.releaseCount} releases; a round asks for ε {formatNumber(b.defaultRoundEpsilon)} by default ({b.mechanism}). {b.exhausted ? 'The budget is spent: the store is left out of new rounds and keeps its past insights.' : ''}
          </p>
        </section>
      )}
      {role === 'store_manager' && <ImpactPreview storeId={storeId} defaultEpsilon={b?.defaultRoundEpsilon ?? 1} />}
      {role !== 'regional_coordinator' && (
        <section aria-labelledby="ledger-title">
          <h2 id="ledger-title">Ledger</h2>
          <ErrorNotice error={ledger.error} what="the ledger" />
          {ledger.data && (
            <>
              <DataTable<LedgerEntry>
                caption="Every release of this store, newest first"
                columns={[
                  { key: 'at', header: 'When', cell: (e) => formatTime(e.createdAt) },
                  { key: 'round', header: 'Round', cell: (e) => <Link to={`/rounds/${e.roundId}`}>{e.roundId.slice(0, 8)}</Link> },
                  { key: 'release', header: 'Release', cell: (e) => e.releaseId },
                  { key: 'mechanism', header: 'Mechanism', cell: (e) => e.mechanism },
                  { key: 'rho', header: 'ρ (zCDP)', numeric: true, cell: (e) => e.rho.toPrecision(3) },
                  { key: 'after', header: 'ε after', numeric: true, cell: (e) => formatNumber(e.epsilonAfter) },
                ]}
                rows={ledger.data.entries}
                rowKey={(e) => e.entryId}
                empty="No releases yet."
              />
              <Pager label="Ledger" total={ledger.data.total} limit={PAGE} offset={offset} onChange={setOffset} />
            </>
          )}
        </section>
      )}
    </>
  );
}

function ImpactPreview({ storeId, defaultEpsilon }: { storeId: string; defaultEpsilon: number }) {
  const names = useProductNames(storeId, true);
  const jobs = rememberedJobs(storeId);
  const [epsilon, setEpsilon] = useState(String(defaultEpsilon));
  const [clipBound, setClipBound] = useState('1000');
  const [jobId, setJobId] = useState(jobs[0] ?? '');
  const preview = useMutation({ mutationFn: () => previewImpact({ storeId, epsilon: Number(epsilon), clipBound: Number(clipBound), miningJobId: jobId || undefined }) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    preview.mutate();
  };
  const p = preview.data;
  return (
    <section aria-labelledby="impact-title">
      <h2 id="impact-title">What a round would cost, and what accuracy it buys</h2>
      <form onSubmit={submit} className="form-row">
        <div>
          <label htmlFor="impact-epsilon">ε for the round</label>
          <input id="impact-epsilon" type="number" min={0.01} max={100} step="any" required value={epsilon} onChange={(e) => setEpsilon(e.target.value)} />
        </div>
        <div>
          <label htmlFor="clip">Largest contribution of one transaction</label>
          <input id="clip" type="number" min={1} step="any" required value={clipBound} onChange={(e) => setClipBound(e.target.value)} />
        </div>
        <div>
          <label htmlFor="impact-job">Patterns of mining job</label>
          <select id="impact-job" value={jobId} onChange={(e) => setJobId(e.target.value)}>
            <option value="">the latest completed job</option>
            {jobs.map((id) => (
              <option key={id} value={id}>
                {id.slice(0, 8)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary" disabled={preview.isPending}>
          Preview
        </button>
      </form>
      <ErrorNotice error={preview.error} what="the preview" />
      {p && (
        <>
          <p data-testid="impact-summary">
            Noise scale {formatNumber(p.noiseScale)}; ε after the round {formatNumber(p.epsilonAfterRound)}; {p.fitsBudget ? 'fits the remaining budget.' : 'does NOT fit the remaining budget: the store would decline.'}
          </p>
          <DataTable
            caption="Expected error of each reported utility"
            columns={[
              { key: 'items', header: 'Items', cell: (row) => <ItemsCell items={row.items} names={names} /> },
              { key: 'utility', header: 'Utility', numeric: true, cell: (row) => formatMoney(row.utility) },
              { key: 'abs', header: 'Expected error', numeric: true, cell: (row) => `± ${formatNumber(row.expectedAbsoluteError)}` },
              { key: 'ci', header: '95% interval half-width', numeric: true, cell: (row) => formatNumber(row.interval95HalfWidth) },
              { key: 'rel', header: 'Relative error', numeric: true, cell: (row) => formatPercent(row.expectedRelativeError) },
            ]}
            rows={p.patterns.slice(0, 20)}
            rowKey={(row) => row.items.join('+')}
          />
        </>
      )}
    </section>
  );
}
