import { useState, type FormEvent } from 'react';
import { useMutation, useQueries, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { createErasure, fetchErasure, rememberedErasures, rememberErasure, type ErasureRequest } from '../api/schedules.api';
import { DataTable } from '../components/data-table';
import { formatNumber, formatTime } from '../components/format';
import { ErrorNotice, Notice } from '../components/status-notice';

const open = (request: ErasureRequest | undefined) => !request || request.status === 'pending' || request.status === 'published';

/** A data-subject erasure (one customer, or the whole store) and the list of this browser's requests. */
export function ErasurePage() {
  const { storeId = '' } = useParams();
  const [scope, setScope] = useState<'customer' | 'store'>('customer');
  const [customerId, setCustomerId] = useState('');
  const [confirmStore, setConfirmStore] = useState('');
  const [version, setVersion] = useState(0);
  const create = useMutation({
    mutationFn: () => createErasure(scope === 'customer' ? { scope, storeId, customerId: customerId.trim() } : { scope, storeId }),
    onSuccess: (request) => {
      rememberErasure(storeId, request.id);
      setCustomerId('');
      setConfirmStore('');
      setVersion((v) => v + 1);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const ids = rememberedErasures(storeId);
  const requests = useQueries({ queries: ids.map((id) => ({ queryKey: ['erasure', id, version], queryFn: () => fetchErasure(id), retry: false })) });
  return (
    <>
      <h1>Erasure requests of {storeId}</h1>
      <p className="muted">
        The right to be forgotten: a customer’s transactions (by the customer id the store’s tills send) and the mining results derived from them, or everything of the store, deleted on every service that holds it. The customer id is hashed at once and never stored.
      </p>
      <form onSubmit={submit} aria-label="New erasure request" className="panel">
        <fieldset>
          <legend>What to erase</legend>
          <label className="inline">
            <input type="radio" name="scope" checked={scope === 'customer'} onChange={() => setScope('customer')} /> One customer’s data
          </label>
          <label className="inline">
            <input type="radio" name="scope" checked={scope === 'store'} onChange={() => setScope('store')} /> Everything of this store
          </label>
        </fieldset>
        <div className="form-row">
          {scope === 'customer' ? (
            <div>
              <label htmlFor="customer-id">Customer id (as the tills send it)</label>
              <input id="customer-id" required maxLength={128} value={customerId} onChange={(e) => setCustomerId(e.target.value)} autoComplete="off" />
            </div>
          ) : (
            <div>
              <label htmlFor="confirm-store">Type the store id ({storeId}) to confirm</label>
              <input id="confirm-store" required value={confirmStore} onChange={(e) => setConfirmStore(e.target.value)} autoComplete="off" />
            </div>
          )}
          <button type="submit" className="danger" disabled={create.isPending || (scope === 'store' && confirmStore !== storeId)}>
            Request erasure
          </button>
        </div>
      </form>
      <ErrorNotice error={create.error} what="the erasure request" />
      {create.data && (
        <Notice kind="success">
          Erasure requested ({create.data.scope}); deadline {formatTime(create.data.deadline)}. <Link to={`/stores/${encodeURIComponent(storeId)}/erasure/${create.data.id}`}>Follow its report</Link>.
        </Notice>
      )}
      <DataTable
        caption="Erasure requests made from this browser (the API has no list of them)"
        columns={[
          { key: 'id', header: 'Request', cell: (r) => <Link to={`/stores/${encodeURIComponent(storeId)}/erasure/${r.id}`}>{r.id.slice(0, 8)}</Link> },
          { key: 'scope', header: 'Scope', cell: (r) => r.scope },
          { key: 'status', header: 'Status', cell: (r) => <span className={`status status-${r.status}`}>{r.status}</span> },
          { key: 'requested', header: 'Requested', cell: (r) => formatTime(r.requestedAt) },
          { key: 'deadline', header: 'Deadline', cell: (r) => formatTime(r.deadline) },
        ]}
        rows={requests.map((q, i) => q.data ?? ({ id: ids[i], scope: '—', status: q.isError ? 'unknown' : 'loading', requestedAt: '', deadline: '' } as unknown as ErasureRequest))}
        rowKey={(r) => r.id}
        empty="No erasure request from this browser yet."
      />
    </>
  );
}

/** One request's report: what each service deleted, polled until every service confirmed. */
export function ErasureReportPage() {
  const { storeId = '', requestId = '' } = useParams();
  const request = useQuery({ queryKey: ['erasure', requestId], queryFn: () => fetchErasure(requestId), refetchInterval: (q) => (open(q.state.data) ? 1500 : false) });
  const data = request.data;
  const rows = data?.report.flatMap((c) => (Object.keys(c.deleted).length ? Object.entries(c.deleted) : [['nothing', 0] as [string, number]]).map(([dataClass, count]) => ({ key: `${c.service}.${dataClass}`, service: c.service, dataClass, count, confirmedAt: c.confirmedAt, note: c.note }))) ?? [];
  return (
    <>
      <h1>Erasure request</h1>
      <p>
        <Link to={`/stores/${encodeURIComponent(storeId)}/erasure`}>All erasure requests of {storeId}</Link>
      </p>
      <ErrorNotice error={request.error} what="the erasure request" />
      {data && (
        <>
          <dl className="params">
            <dt>Request</dt>
            <dd>
              <code>{data.id}</code>
            </dd>
            <dt>Scope</dt>
            <dd>{data.scope === 'customer' ? 'one customer' : 'the whole store'} of {data.storeId}</dd>
            <dt>Status</dt>
            <dd>
              <span className={`status status-${data.status}`} data-testid="erasure-status">
                {data.status}
              </span>
            </dd>
            <dt>Requested</dt>
            <dd>{formatTime(data.requestedAt)}</dd>
            <dt>Deadline</dt>
            <dd>{formatTime(data.deadline)}</dd>
            <dt>Completed</dt>
            <dd>{formatTime(data.completedAt)}</dd>
            <dt>Waiting for</dt>
            <dd>{data.awaiting.length ? data.awaiting.join(', ') : 'nobody: every service confirmed'}</dd>
          </dl>
          {data.status === 'overdue' && <div className="notice notice-error" role="alert">The deadline passed before every service confirmed; late confirmations still complete the request.</div>}
          <DataTable
            caption="What each service deleted"
            columns={[
              { key: 'service', header: 'Service', cell: (r) => r.service },
              { key: 'class', header: 'Data', cell: (r) => r.dataClass.replace(/_/g, ' ') },
              { key: 'count', header: 'Deleted', numeric: true, cell: (r) => formatNumber(r.count) },
              { key: 'confirmed', header: 'Confirmed', cell: (r) => formatTime(r.confirmedAt) },
            ]}
            rows={rows}
            rowKey={(r) => r.key}
            empty="No service has confirmed yet."
          />
          {data.report.some((c) => c.note) && (
            <section aria-labelledby="erasure-notes">
              <h2 id="erasure-notes">What the services said</h2>
              <dl className="params">
                {data.report
                  .filter((c) => c.note)
                  .map((c) => (
                    <div key={c.service} className="contents">
                      <dt>{c.service}</dt>
                      <dd>{c.note}</dd>
                    </div>
                  ))}
              </dl>
            </section>
          )}
        </>
      )}
    </>
  );
}
