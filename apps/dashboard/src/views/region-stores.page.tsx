import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { fetchStores, type StoreSummary } from '../api/stores.api';
import { fetchFederatedStores } from '../api/federation.api';
import { DataTable } from '../components/data-table';
import { formatMoney, formatNumber, formatTime } from '../components/format';
import { ErrorNotice, Loading } from '../components/status-notice';

/** The stores the coordinator reaches and whether each store node is connected to the hub. */
export function RegionStoresPage() {
  const stores = useQuery({ queryKey: ['stores'], queryFn: fetchStores, refetchInterval: 15_000 });
  const nodes = useQuery({ queryKey: ['federated-stores'], queryFn: fetchFederatedStores, refetchInterval: 5_000 });
  const nodeOf = (id: string) => nodes.data?.stores.find((s) => s.storeId === id);
  const connected = nodes.data?.stores.filter((s) => s.connected).length ?? 0;
  return (
    <>
      <h1>Stores of the region</h1>
      <p>
        {connected} of {stores.data?.stores.length ?? '…'} store nodes connected. <Link to="/rounds/new">Start a round</Link>
      </p>
      <ErrorNotice error={stores.error ?? nodes.error} what="the stores" />
      {stores.isLoading && <Loading what="the stores" />}
      {stores.data && (
        <DataTable<StoreSummary>
          caption="Stores you reach"
          columns={[
            { key: 'store', header: 'Store', cell: (s) => <Link to={`/stores/${encodeURIComponent(s.storeId)}`}>{s.name}</Link> },
            { key: 'region', header: 'Region', cell: (s) => s.regionId ?? '—' },
            { key: 'node', header: 'Node', cell: (s) => { const node = nodeOf(s.storeId); return node ? <span className={`status status-${node.connected ? 'connected' : 'disconnected'}`}>{node.connected ? 'connected' : 'not connected'}</span> : 'not enrolled'; } },
            { key: 'tx', header: 'Transactions', numeric: true, cell: (s) => formatNumber(s.transactionCount) },
            { key: 'revenue', header: 'Revenue', numeric: true, cell: (s) => formatMoney(s.totalUtility) },
            { key: 'last', header: 'Last transaction', cell: (s) => formatTime(s.lastTransactionAt) },
          ]}
          rows={stores.data.stores}
          rowKey={(s) => s.storeId}
        />
      )}
    </>
  );
}
