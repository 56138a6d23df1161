import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { fetchGlobalPatterns, fetchRounds, type GlobalPattern } from '../api/federation.api';
import { useSession } from '../auth/session-context';
import { DataTable, Pager } from '../components/data-table';
import { formatMoney, formatNumber, formatPercent, formatTime } from '../components/format';
import { ErrorNotice, Loading } from '../components/status-notice';
import { ItemsCell } from '../components/items-cell';
import { useProductNames } from '../components/product-names';

const PAGE = 25;

/** Published global itemsets: noisy sums over the contributing stores, their 95% interval and coverage. */
export function GlobalPatternsPage() {
  const { session } = useSession();
  const [params, setParams] = useSearchParams();
  const roundId = params.get('round') ?? undefined;
  const [offset, setOffset] = useState(0);
  const names = useProductNames(session!.user.storeId, session!.user.role === 'store_manager');
  const rounds = useQuery({ queryKey: ['rounds'], queryFn: () => fetchRounds(100, 0) });
  const patterns = useQuery({ queryKey: ['global-patterns', roundId, offset], placeholderData: keepPreviousData, queryFn: () => fetchGlobalPatterns(roundId, PAGE, offset) });
  const completed = rounds.data?.rounds.filter((r) => r.status === 'completed') ?? [];
  const info = patterns.data?.roundInfo;
  return (
    <>
      <h1>Global patterns</h1>
      <div className="form-row">
        <div>
          <label htmlFor="round-picker">Round</label>
          <select id="round-picker" value={roundId ?? ''} onChange={(e) => { setOffset(0); setParams(e.target.value ? { round: e.target.value } : {}); }}>
            <option value="">the latest completed round</option>
            {completed.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id.slice(0, 8)} · {formatTime(r.completedAt ?? r.createdAt)} · {r.patternCount} patterns
              </option>
            ))}
          </select>
        </div>
      </div>
      {info && (
        <p className="muted">
          Round <Link to={`/rounds/${info.id}`}>{info.id.slice(0, 8)}</Link>: ε {info.config.privacyBudget} per store, {info.participants.filter((p) => p.state === 'contributed').length} stores contributed, published when at least {info.config.kThreshold} stores proposed an itemset. Utility and support are noisy sums; the interval is 95%.
        </p>
      )}
      {session!.user.role !== 'store_manager' && <p className="small muted">Product names come from a store’s own transactions, which only its manager reads; SKUs are shown here.</p>}
      <ErrorNotice error={patterns.error} what="the global patterns" />
      {patterns.isLoading && <Loading what="the global patterns" />}
      {patterns.data && (
        <>
          <DataTable<GlobalPattern>
            caption={`Global patterns (${patterns.data.total})`}
            columns={[
              { key: 'rank', header: 'Rank', numeric: true, cell: (p) => p.rank },
              { key: 'items', header: 'Items', cell: (p) => <ItemsCell items={p.items} names={names} /> },
              { key: 'utility', header: 'Utility', numeric: true, cell: (p) => formatMoney(p.aggregatedUtility) },
              { key: 'interval', header: '95% interval', numeric: true, cell: (p) => `${formatNumber(Math.round(p.interval[0]))} – ${formatNumber(Math.round(p.interval[1]))}` },
              { key: 'support', header: 'Support', numeric: true, cell: (p) => formatNumber(p.globalSupport) },
              { key: 'stores', header: 'Stores', numeric: true, cell: (p) => p.contributingStores },
              { key: 'coverage', header: 'Coverage', numeric: true, cell: (p) => formatPercent(p.clientCoverage) },
            ]}
            rows={patterns.data.patterns}
            rowKey={(p) => p.items.join('+')}
            empty="No round has published patterns yet."
          />
          <Pager label="Global patterns" total={patterns.data.total} limit={PAGE} offset={offset} onChange={setOffset} />
        </>
      )}
    </>
  );
}
