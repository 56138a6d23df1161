import { useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { fetchTransactions, type Transaction } from '../api/transactions.api';
import { DataTable, Pager } from '../components/data-table';
import { formatMoney, formatTime } from '../components/format';
import { ErrorNotice, Loading } from '../components/status-notice';

const PAGE = 25;

export function TransactionsPage() {
  const { storeId = '' } = useParams();
  const [draft, setDraft] = useState({ startDate: '', endDate: '', minUtility: '' });
  const [filter, setFilter] = useState(draft);
  const [offset, setOffset] = useState(0);
  const query = useQuery({
    queryKey: ['transactions', storeId, filter, offset],
    placeholderData: keepPreviousData,
    queryFn: () =>
      fetchTransactions({
        storeId,
        startDate: filter.startDate ? new Date(filter.startDate).toISOString() : undefined,
        endDate: filter.endDate ? new Date(filter.endDate + 'T23:59:59').toISOString() : undefined,
        minUtility: filter.minUtility ? Number(filter.minUtility) : undefined,
        limit: PAGE,
        offset,
      }),
  });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
    setOffset(0);
  };
  return (
    <>
      <h1>Transactions</h1>
      <form onSubmit={apply} className="form-row" aria-label="Filter transactions">
        <div>
          <label htmlFor="from">From</label>
          <input id="from" type="date" value={draft.startDate} onChange={(e) => setDraft({ ...draft, startDate: e.target.value })} />
        </div>
        <div>
          <label htmlFor="to">To</label>
          <input id="to" type="date" value={draft.endDate} onChange={(e) => setDraft({ ...draft, endDate: e.target.value })} />
        </div>
        <div>
          <label htmlFor="min-utility">Minimum total</label>
          <input id="min-utility" type="number" min={0} step="any" value={draft.minUtility} onChange={(e) => setDraft({ ...draft, minUtility: e.target.value })} />
        </div>
        <button type="submit">Apply</button>
      </form>
      <ErrorNotice error={query.error} what="transactions" />
      {query.isLoading && <Loading what="transactions" />}
      {query.data && (
        <>
          <DataTable<Transaction>
            caption={`Transactions of ${storeId}`}
            columns={[
              { key: 'id', header: 'Transaction', cell: (t) => t.transactionId },
              { key: 'at', header: 'When', cell: (t) => formatTime(t.occurredAt) },
              { key: 'lines', header: 'Products', cell: (t) => <span title={t.lines.map((l) => `${l.quantity} × ${l.name ?? l.sku}`).join('\n')}>{t.lines.slice(0, 3).map((l) => `${l.quantity} × ${(l.name ?? l.sku).trim()}`).join(', ')}{t.lines.length > 3 ? ` and ${t.lines.length - 3} more` : ''}</span> },
              { key: 'total', header: 'Total', numeric: true, cell: (t) => formatMoney(t.totalUtility) },
              { key: 'source', header: 'Source', cell: (t) => t.source },
            ]}
            rows={query.data.transactions}
            rowKey={(t) => t.transactionId}
            empty="No transactions match."
          />
          <Pager label="Transactions" total={query.data.total} limit={PAGE} offset={offset} onChange={setOffset} />
        </>
      )}
    </>
  );
}
