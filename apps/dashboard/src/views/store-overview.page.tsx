import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router-dom';
import { fetchStores } from '../api/stores.api';
import { fetchBudget } from '../api/privacy.api';
import { fetchFederatedStores } from '../api/federation.api';
import { useSession } from '../auth/session-context';
import { formatMoney, formatNumber, formatTime } from '../components/format';
import { ErrorNotice, Loading } from '../components/status-notice';

/** The store at a glance: what is stored, when data last came in, whether the feed looks healthy. */
export function StoreOverviewPage() {
  const { storeId = '' } = useParams();
  const { session } = useSession();
  const role = session!.user.role;
  const stores = useQuery({ queryKey: ['stores'], queryFn: fetchStores, refetchInterval: 30_000 });
  const budget = useQuery({ queryKey: ['budget', storeId], queryFn: () => fetchBudget(storeId) });
  const federated = useQuery({ queryKey: ['federated-stores'], queryFn: fetchFederatedStores, enabled: role !== 'store_manager' });
  const store = stores.data?.stores.find((s) => s.storeId === storeId);
  const node = federated.data?.stores.find((s) => s.storeId === storeId);
  return (
    <>
      <h1>{store?.name ?? storeId}</h1>
      <ErrorNotice error={stores.error} what="the store" />
      {stores.isLoading && <Loading what="the store" />}
      {stores.data && !store && <p role="alert">Store “{storeId}” is not among the stores you reach.</p>}
      {store && (
        <div className="cards">
          <section className="card" aria-labelledby="c-tx">
            <h2 id="c-tx">Transactions</h2>
            <p className="big" data-testid="transaction-count">{formatNumber(store.transactionCount)}</p>
            <p className="small muted">from {formatNumber(store.fileCount)} {store.fileCount === 1 ? 'file' : 'files'}</p>
          </section>
          <section className="card" aria-labelledby="c-rev">
            <h2 id="c-rev">Revenue</h2>
            <p className="big">{formatMoney(store.totalUtility)}</p>
            <p className="small muted">
              {formatTime(store.firstTransactionAt)} – {formatTime(store.lastTransactionAt)}
            </p>
          </section>
          <section className="card" aria-labelledby="c-last">
            <h2 id="c-last">Last transaction</h2>
            <p className="big-text">{formatTime(store.lastTransactionAt)}</p>
          </section>
          <section className="card" aria-labelledby="c-feed">
            <h2 id="c-feed">POS feed</h2>
            <p className="big-text">{store.rejectedEventCount === 0 ? 'No rejected events' : `${formatNumber(store.rejectedEventCount)} rejected events`}</p>
            <p className="small muted">Rejected POS events go to the dead-letter topic with a reason.</p>
          </section>
          {node && (
            <section className="card" aria-labelledby="c-node">
              <h2 id="c-node">Store node</h2>
              <p className="big-text">{node.connected ? 'Connected' : 'Not connected'}</p>
              <p className="small muted">enrolled {formatTime(node.enrolledAt)}</p>
            </section>
          )}
          {budget.data && (
            <section className="card" aria-labelledby="c-budget">
              <h2 id="c-budget">Privacy budget</h2>
              <p className="big">ε {formatNumber(budget.data.remainingEpsilon)} left</p>
              <p className="small muted">
                of {formatNumber(budget.data.epsilonCap)}; <Link to={`/stores/${encodeURIComponent(storeId)}/privacy`}>details</Link>
              </p>
            </section>
          )}
        </div>
      )}
      <ErrorNotice error={budget.error} what="the privacy budget" />
    </>
  );
}
