import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { createRegion, fetchRegions, type Region } from '../api/admin.api';
import { createStore, fetchStores, type StoreSummary } from '../api/stores.api';
import { DataTable } from '../components/data-table';
import { formatNumber, formatTime } from '../components/format';
import { ErrorNotice, Loading } from '../components/status-notice';

export function StoresAdminPage() {
  const queries = useQueryClient();
  const stores = useQuery({ queryKey: ['stores'], queryFn: fetchStores });
  const regions = useQuery({ queryKey: ['regions'], queryFn: fetchRegions });
  const [store, setStore] = useState({ id: '', name: '', regionId: '' });
  const [region, setRegion] = useState({ id: '', name: '' });
  const addStore = useMutation({ mutationFn: () => createStore({ id: store.id, name: store.name, regionId: store.regionId || undefined }), onSuccess: () => queries.invalidateQueries({ queryKey: ['stores'] }) });
  const addRegion = useMutation({ mutationFn: () => createRegion(region), onSuccess: () => queries.invalidateQueries({ queryKey: ['regions'] }) });
  return (
    <>
      <h1>Stores and regions</h1>
      <ErrorNotice error={stores.error ?? regions.error} what="stores and regions" />
      {stores.isLoading && <Loading what="the stores" />}
      {stores.data && (
        <DataTable<StoreSummary>
          caption={`Stores (${stores.data.stores.length})`}
          columns={[
            { key: 'id', header: 'Store', cell: (s) => <Link to={`/stores/${encodeURIComponent(s.storeId)}`}>{s.storeId}</Link> },
            { key: 'name', header: 'Name', cell: (s) => s.name },
            { key: 'region', header: 'Region', cell: (s) => s.regionId ?? '—' },
            { key: 'registered', header: 'Registered', cell: (s) => (s.registered ? 'yes' : 'no (data only)') },
            { key: 'tx', header: 'Transactions', numeric: true, cell: (s) => formatNumber(s.transactionCount) },
            { key: 'keys', header: 'API keys', cell: (s) => <Link to={`/stores/${encodeURIComponent(s.storeId)}/api-keys`}>keys</Link> },
          ]}
          rows={stores.data.stores}
          rowKey={(s) => s.storeId}
        />
      )}
      <form onSubmit={(e: FormEvent) => { e.preventDefault(); addStore.mutate(); }} className="form-row" aria-label="Register a store">
        <div>
          <label htmlFor="store-id">Store id</label>
          <input id="store-id" required pattern="[a-z0-9][a-z0-9-]*" value={store.id} onChange={(e) => setStore({ ...store, id: e.target.value })} />
        </div>
        <div>
          <label htmlFor="store-name">Name</label>
          <input id="store-name" required value={store.name} onChange={(e) => setStore({ ...store, name: e.target.value })} />
        </div>
        <div>
          <label htmlFor="store-region">Region</label>
          <select id="store-region" value={store.regionId} onChange={(e) => setStore({ ...store, regionId: e.target.value })}>
            <option value="">none</option>
            {regions.data?.regions.map((r) => (
              <option key={r.id} value={r.id}>{r.name}</option>
            ))}
          </select>
        </div>
        <button type="submit">Register store</button>
      </form>
      <ErrorNotice error={addStore.error} what="the store" />
      {regions.data && (
        <DataTable<Region>
          caption={`Regions (${regions.data.regions.length})`}
          columns={[
            { key: 'id', header: 'Region', cell: (r) => r.id },
            { key: 'name', header: 'Name', cell: (r) => r.name },
            { key: 'stores', header: 'Stores', cell: (r) => r.storeIds.join(', ') || '—' },
            { key: 'created', header: 'Created', cell: (r) => formatTime(r.createdAt) },
          ]}
          rows={regions.data.regions}
          rowKey={(r) => r.id}
        />
      )}
      <form onSubmit={(e: FormEvent) => { e.preventDefault(); addRegion.mutate(); }} className="form-row" aria-label="Create a region">
        <div>
          <label htmlFor="region-id">Region id</label>
          <input id="region-id" required value={region.id} onChange={(e) => setRegion({ ...region, id: e.target.value })} />
        </div>
        <div>
          <label htmlFor="region-name">Name</label>
          <input id="region-name" required value={region.name} onChange={(e) => setRegion({ ...region, name: e.target.value })} />
        </div>
        <button type="submit">Create region</button>
      </form>
      <ErrorNotice error={addRegion.error} what="the region" />
    </>
  );
}
