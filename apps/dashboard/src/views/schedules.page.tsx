import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router-dom';
import { fetchRuns, fetchSchedules } from '../api/schedules.api';
import { fetchStores } from '../api/stores.api';
import { useSession } from '../auth/session-context';
import { RunTable, ScheduleTable } from '../components/schedule-table';
import { ScheduleForm } from '../components/schedule-form';
import { ErrorNotice, Loading } from '../components/status-notice';
import { formatTime } from '../components/format';

const miningLink = (jobId: string, storeId: string) => `/stores/${encodeURIComponent(storeId)}/mining/${encodeURIComponent(jobId)}`;
// Runs have no feed: poll often enough that a schedule's next run shows up soon after it is due.
const RUNS_POLL = 5000;

/** A store's schedules (a manager: its mining) and their recent runs. */
export function StoreSchedulesPage() {
  const { storeId = '' } = useParams();
  const { session } = useSession();
  const role = session!.user.role;
  const schedules = useQuery({ queryKey: ['schedules'], queryFn: fetchSchedules, refetchInterval: 30_000 });
  const runs = useQuery({ queryKey: ['schedules', 'runs'], queryFn: () => fetchRuns({ limit: 200 }), refetchInterval: RUNS_POLL });
  const mine = schedules.data?.schedules.filter((s) => s.storeId === storeId) ?? [];
  const myRuns = runs.data?.jobs.filter((r) => r.storeId === storeId) ?? [];
  return (
    <>
      <h1>Schedules of {storeId}</h1>
      <p className="muted">Recurring work on this store’s data. Cron expressions are in UTC; next runs are shown in your time zone.</p>
      <ScheduleForm role={role} storeId={storeId} stores={[storeId]} />
      <ErrorNotice error={schedules.error} what="the schedules" />
      {schedules.isLoading && <Loading what="the schedules" />}
      {schedules.data && <ScheduleTable caption={`Schedules of ${storeId}`} schedules={mine} role={role} empty="No schedules for this store yet: create one above." />}
      <ErrorNotice error={runs.error} what="the runs" />
      {runs.data && <RunTable caption="Recent runs" runs={myRuns} mining={role === 'store_manager' ? miningLink : undefined} empty="No run yet: the first comes at the next run time above." />}
    </>
  );
}

/** Every schedule a coordinator (region and hub-wide) or an admin (all) may see; create rounds, insights refreshes, sweeps. */
export function SchedulesPage() {
  const { session, me } = useSession();
  const role = session!.user.role;
  const stores = useQuery({ queryKey: ['stores'], queryFn: fetchStores, enabled: !!me?.allStores });
  const storeIds = me?.allStores ? (stores.data?.stores.map((s) => s.storeId) ?? []) : (me?.storeIds ?? []);
  const schedules = useQuery({ queryKey: ['schedules'], queryFn: fetchSchedules, refetchInterval: 30_000 });
  return (
    <>
      <h1>Schedules</h1>
      <p className="muted">
        {role === 'admin' ? 'Every schedule.' : 'Schedules of your region’s stores and hub-wide ones. A store’s mining is scheduled by its manager.'} Cron expressions are in UTC; next runs are shown in your time zone.
      </p>
      <ScheduleForm role={role} stores={storeIds} />
      <ErrorNotice error={schedules.error} what="the schedules" />
      {schedules.isLoading && <Loading what="the schedules" />}
      {schedules.data && <ScheduleTable caption="Schedules" schedules={schedules.data.schedules} role={role} empty="No schedules yet: create one above." />}
    </>
  );
}

/** Runs of every schedule in scope: what comes next, what failed and why, and the history. */
export function ScheduledRunsPage() {
  const schedules = useQuery({ queryKey: ['schedules'], queryFn: fetchSchedules, refetchInterval: RUNS_POLL });
  const runs = useQuery({ queryKey: ['schedules', 'runs'], queryFn: () => fetchRuns({ limit: 200 }), refetchInterval: RUNS_POLL });
  const failed = useQuery({ queryKey: ['schedules', 'runs', 'failed'], queryFn: () => fetchRuns({ failed: true, limit: 100 }), refetchInterval: 30_000 });
  const { session } = useSession();
  const next = (schedules.data?.schedules ?? []).filter((s) => !s.paused && s.nextRunAt).sort((a, b) => Date.parse(a.nextRunAt!) - Date.parse(b.nextRunAt!));
  const failures = failed.data?.jobs ?? [];
  return (
    <>
      <h1>Scheduled runs</h1>
      <ErrorNotice error={schedules.error ?? runs.error ?? failed.error} what="the runs" />
      {(schedules.isLoading || runs.isLoading) && <Loading what="the runs" />}
      <div className="cards">
        <div className="card">
          <h2>Next run</h2>
          <p className="big-text" data-testid="next-run">{formatTime(next[0]?.nextRunAt)}</p>
          <p className="small muted">{next.length} active schedule{next.length === 1 ? '' : 's'}</p>
        </div>
        <div className="card">
          <h2>Failed runs</h2>
          <p className={`big ${failures.length ? 'status-failed' : ''}`} data-testid="failed-runs">{failures.length}</p>
          <p className="small muted">after every retry</p>
        </div>
        <div className="card">
          <h2>Runs listed</h2>
          <p className="big">{runs.data?.jobs.length ?? '—'}</p>
          <p className="small muted">newest first, up to 200</p>
        </div>
      </div>
      {schedules.data && <ScheduleTable caption="Next runs" schedules={next.slice(0, 20)} role={session!.user.role} empty="No active schedule." />}
      {failed.data && <RunTable caption="Failures" runs={failures} empty="No run has failed." />}
      {runs.data && <RunTable caption="All runs" runs={runs.data.jobs} empty="No run yet." />}
    </>
  );
}
