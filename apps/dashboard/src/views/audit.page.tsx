import { useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { fetchAudit, type AuditEvent, type AuditFilter } from '../api/admin.api';
import { DataTable, Pager } from '../components/data-table';
import { formatTime } from '../components/format';
import { ErrorNotice, Loading } from '../components/status-notice';

const PAGE = 25;

export function AuditPage() {
  const [draft, setDraft] = useState({ action: '', storeId: '', outcome: '', since: '', until: '' });
  const [filter, setFilter] = useState(draft);
  const [offset, setOffset] = useState(0);
  const query: AuditFilter = {
    action: filter.action || undefined,
    storeId: filter.storeId || undefined,
    outcome: filter.outcome || undefined,
    since: filter.since ? new Date(filter.since).toISOString() : undefined,
    until: filter.until ? new Date(filter.until).toISOString() : undefined,
    limit: PAGE,
    offset,
  };
  const events = useQuery({ queryKey: ['audit', query], placeholderData: keepPreviousData, queryFn: () => fetchAudit(query) });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
    setOffset(0);
  };
  const field = (key: keyof typeof draft) => ({ value: draft[key], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }) });
  return (
    <>
      <h1>Audit log</h1>
      <form onSubmit={apply} className="form-row" aria-label="Filter the audit log">
        <div>
          <label htmlFor="a-action">Action</label>
          <input id="a-action" placeholder="e.g. session.login" {...field('action')} />
        </div>
        <div>
          <label htmlFor="a-store">Store</label>
          <input id="a-store" {...field('storeId')} />
        </div>
        <div>
          <label htmlFor="a-outcome">Outcome</label>
          <select id="a-outcome" {...field('outcome')}>
            <option value="">any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
            <option value="denied">denied</option>
          </select>
        </div>
        <div>
          <label htmlFor="a-since">Since</label>
          <input id="a-since" type="datetime-local" {...field('since')} />
        </div>
        <div>
          <label htmlFor="a-until">Until</label>
          <input id="a-until" type="datetime-local" {...field('until')} />
        </div>
        <button type="submit">Apply</button>
      </form>
      <ErrorNotice error={events.error} what="the audit log" />
      {events.isLoading && <Loading what="the audit log" />}
      {events.data && (
        <>
          <DataTable<AuditEvent>
            caption="Audit events, newest first"
            columns={[
              { key: 'at', header: 'When', cell: (e) => formatTime(e.occurredAt) },
              { key: 'actor', header: 'Who', cell: (e) => e.actor.email ?? `${e.actor.type} ${e.actor.id ?? ''}` },
              { key: 'action', header: 'Action', cell: (e) => e.action },
              { key: 'outcome', header: 'Outcome', cell: (e) => <span className={`status status-${e.outcome}`}>{e.outcome}</span> },
              { key: 'store', header: 'Store', cell: (e) => e.storeId ?? '—' },
              { key: 'reason', header: 'Reason', cell: (e) => e.reason ?? '—' },
              { key: 'ip', header: 'From', cell: (e) => e.ip ?? '—' },
            ]}
            rows={events.data.events}
            rowKey={(e) => e.id}
            empty="No events match."
          />
          <Pager label="Audit events" total={events.data.total} limit={PAGE} offset={offset} onChange={setOffset} />
        </>
      )}
    </>
  );
}
