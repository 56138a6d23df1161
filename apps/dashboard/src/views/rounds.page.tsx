import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { fetchRounds, isActive, type Round } from '../api/federation.api';
import { useRoundEvents } from '../api/round-events';
import { DataTable } from '../components/data-table';
import { formatTime } from '../components/format';
import { ErrorNotice, Loading } from '../components/status-notice';

export function roundColumns(storeId?: string) {
  return [
    { key: 'id', header: 'Round', cell: (r: Round) => <Link to={`/rounds/${r.id}`}>{r.id.slice(0, 8)}</Link> },
    { key: 'status', header: 'Status', cell: (r: Round) => <span className={`status status-${r.status}`}>{r.status.replace('_', ' ')}</span> },
    { key: 'eps', header: 'ε', numeric: true, cell: (r: Round) => r.config.privacyBudget },
    ...(storeId ? [{ key: 'state', header: 'This store', cell: (r: Round) => { const p = r.participants.find((q) => q.storeId === storeId); return p ? <span className={`status status-${p.state}`} title={p.reason}>{p.state}{p.reason ? ` (${p.reason})` : ''}</span> : '—'; } }] : [{ key: 'stores', header: 'Stores', numeric: true, cell: (r: Round) => `${r.participants.filter((p) => p.state === 'contributed').length} / ${r.participants.length}` }]),
    { key: 'patterns', header: 'Patterns', numeric: true, cell: (r: Round) => r.patternCount },
    { key: 'created', header: 'Started', cell: (r: Round) => formatTime(r.createdAt) },
  ];
}

export function RoundsPage() {
  useRoundEvents();
  const rounds = useQuery({ queryKey: ['rounds'], queryFn: () => fetchRounds(50, 0), refetchInterval: (q) => (q.state.data?.rounds.some(isActive) ? 3000 : 30_000) });
  return (
    <>
      <h1>Rounds</h1>
      <ErrorNotice error={rounds.error} what="the rounds" />
      {rounds.isLoading && <Loading what="the rounds" />}
      {rounds.data && <DataTable caption={`Federated rounds, newest first (${rounds.data.total})`} columns={roundColumns()} rows={rounds.data.rounds} rowKey={(r) => r.id} empty="No rounds yet." />}
    </>
  );
}
