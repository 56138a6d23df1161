import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { createApiKey, fetchApiKeys, revokeApiKey, type ApiKey } from '../api/admin.api';
import { DataTable } from '../components/data-table';
import { formatTime } from '../components/format';
import { ErrorNotice, Loading, Notice } from '../components/status-notice';

/** A store's API keys for its POS systems (ingestion only); a new key is shown once. */
export function ApiKeysPage() {
  const { storeId = '' } = useParams();
  const queries = useQueryClient();
  const keys = useQuery({ queryKey: ['api-keys', storeId], queryFn: () => fetchApiKeys(storeId) });
  const [name, setName] = useState('');
  const create = useMutation({ mutationFn: () => createApiKey({ storeId, name }), onSuccess: () => queries.invalidateQueries({ queryKey: ['api-keys', storeId] }) });
  const revoke = useMutation({ mutationFn: revokeApiKey, onSuccess: () => queries.invalidateQueries({ queryKey: ['api-keys', storeId] }) });
  return (
    <>
      <h1>API keys of {storeId}</h1>
      <ErrorNotice error={keys.error} what="the API keys" />
      {keys.isLoading && <Loading what="the API keys" />}
      {keys.data && (
        <DataTable<ApiKey>
          caption="Keys (prefixes only; the keys themselves are stored hashed)"
          columns={[
            { key: 'name', header: 'Name', cell: (k) => k.name },
            { key: 'prefix', header: 'Prefix', cell: (k) => <code>{k.prefix}</code> },
            { key: 'created', header: 'Created', cell: (k) => formatTime(k.createdAt) },
            { key: 'used', header: 'Last used', cell: (k) => formatTime(k.lastUsedAt) },
            { key: 'state', header: 'State', cell: (k) => (k.revokedAt ? `revoked ${formatTime(k.revokedAt)}` : 'active') },
            { key: 'actions', header: 'Actions', cell: (k) => (k.revokedAt ? null : <button type="button" className="danger" aria-label={`Revoke ${k.name}`} onClick={() => window.confirm(`Revoke ${k.name}?`) && revoke.mutate(k.id)}>Revoke</button>) },
          ]}
          rows={keys.data.apiKeys}
          rowKey={(k) => k.id}
          empty="No keys yet."
        />
      )}
      <form onSubmit={(e: FormEvent) => { e.preventDefault(); create.mutate(); }} className="form-row" aria-label="Create an API key">
        <div>
          <label htmlFor="key-name">Name (the system that will use it)</label>
          <input id="key-name" required value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" className="primary" disabled={create.isPending}>Create key</button>
      </form>
      <ErrorNotice error={create.error ?? revoke.error} what="the API key" />
      {create.data && (
        <Notice kind="warning">
          New key for {create.data.apiKey.name}: <code>{create.data.key}</code> — store it now; it is shown only once.
        </Notice>
      )}
    </>
  );
}
