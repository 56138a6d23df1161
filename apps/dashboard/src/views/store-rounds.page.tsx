import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { fetchRounds, isActive } from '../api/federation.api';
import { useRoundEvents } from '../api/round-events';
import { DataTable } from '../components/data-table';
import { ErrorNotice, Loading } from '../components/status-notice';
import { roundColumns } from './rounds.page';

/** Rounds this store was invited to, with what it did (joined, declined, dropped, contributed). */
export function StoreRoundsPage() {
  const { storeId = '' } = useParams();
  useRoundEvents();
  const rounds = useQuery({ queryKey: ['rounds'], queryFn: () => fetchRounds(100, 0), refetchInterval: (q) => (q.state.data?.rounds.some(isActive) ? 3000 : 30_000) });
  const mine = rounds.data?.rounds.filter((r) => r.participants.some((p) => p.storeId === storeId) || r.config.storeIds.includes(storeId)) ?? [];
  return (
    <>
      <h1>Rounds of {storeId}</h1>
      <ErrorNotice error={rounds.error} what="the rounds" />
      {rounds.isLoading && <Loading what="the rounds" />}
      {rounds.data && <DataTable caption={`Rounds ${storeId} was invited to`} columns={roundColumns(storeId)} rows={mine} rowKey={(r) => r.id} empty="This store has not been in a round yet." />}
    </>
  );
}
