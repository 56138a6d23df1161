import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { deleteSchedule, KIND_LABELS, mayManage, pauseSchedule, resumeSchedule, type Schedule, type ScheduledRun } from '../api/schedules.api';
import type { Role } from '../api/session-store';
import { DataTable } from './data-table';
import { describeCron } from './cron.util';
import { formatTime } from './format';
import { ErrorNotice } from './status-notice';

function parametersText(schedule: Schedule): string {
  const entries = Object.entries(schedule.parameters ?? {});
  return entries.length ? entries.map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`).join('; ') : 'defaults';
}

/** Schedules with their next run (in the user's zone) and the pause/resume/delete the role may use. */
export function ScheduleTable({ caption, schedules, role, empty }: { caption: string; schedules: Schedule[]; role: Role; empty: string }) {
  const client = useQueryClient();
  const change = useMutation({
    mutationFn: ({ action, schedule }: { action: 'pause' | 'resume' | 'delete'; schedule: Schedule }): Promise<unknown> =>
      action === 'pause' ? pauseSchedule(schedule.id) : action === 'resume' ? resumeSchedule(schedule.id) : deleteSchedule(schedule.id),
    onSettled: () => client.invalidateQueries({ queryKey: ['schedules'] }),
  });
  const name = (schedule: Schedule) => `${KIND_LABELS[schedule.kind] ?? schedule.kind}${schedule.storeId ? ` of ${schedule.storeId}` : ''} (${schedule.cron})`;
  return (
    <>
      <ErrorNotice error={change.error} what="the schedule change" />
      <DataTable
        caption={caption}
        columns={[
          { key: 'kind', header: 'Kind', cell: (s) => KIND_LABELS[s.kind] ?? s.kind },
          { key: 'store', header: 'Store', cell: (s) => s.storeId ?? <span className="muted">hub-wide</span> },
          {
            key: 'when',
            header: 'When (cron, UTC)',
            cell: (s) => (
              <>
                <code className="nowrap">{s.cron}</code>
                {describeCron(s.cron) && <div className="small muted">{describeCron(s.cron)}</div>}
              </>
            ),
          },
          { key: 'parameters', header: 'Parameters', cell: (s) => <span className="small">{parametersText(s)}</span> },
          { key: 'next', header: 'Next run', cell: (s) => (s.paused ? <span className="status status-declined">paused</span> : formatTime(s.nextRunAt)) },
          { key: 'last', header: 'Last run', cell: (s) => (s.lastRunAt ? <>{formatTime(s.lastRunAt)} <span className={`status status-${s.lastStatus}`}>{s.lastStatus}</span></> : <span className="muted">not yet</span>) },
          { key: 'description', header: 'Description', cell: (s) => s.description || <span className="muted">—</span> },
          {
            key: 'actions',
            header: 'Actions',
            cell: (s) =>
              mayManage(role, s) ? (
                <span className="actions">
                  <button type="button" disabled={change.isPending} onClick={() => change.mutate({ action: s.paused ? 'resume' : 'pause', schedule: s })} aria-label={`${s.paused ? 'Resume' : 'Pause'} ${name(s)}`}>
                    {s.paused ? 'Resume' : 'Pause'}
                  </button>
                  <button
                    type="button"
                    className="danger"
                    disabled={change.isPending}
                    onClick={() => window.confirm(`Delete the schedule ${name(s)} and its run history?`) && change.mutate({ action: 'delete', schedule: s })}
                    aria-label={`Delete ${name(s)}`}
                  >
                    Delete
                  </button>
                </span>
              ) : (
                <span className="small muted">not yours to change</span>
              ),
          },
        ]}
        rows={schedules}
        rowKey={(s) => s.id}
        empty={empty}
      />
    </>
  );
}

/** Runs of schedules, newest first, with why a run failed and what it started. */
export function RunTable({ caption, runs, empty, mining }: { caption: string; runs: ScheduledRun[]; empty: string; mining?: (jobId: string, storeId: string) => string }) {
  return (
    <DataTable
      caption={caption}
      columns={[
        { key: 'kind', header: 'Kind', cell: (r) => KIND_LABELS[r.kind] ?? r.kind },
        { key: 'store', header: 'Store', cell: (r) => r.storeId ?? <span className="muted">hub-wide</span> },
        { key: 'due', header: 'Due', cell: (r) => formatTime(r.dueAt) },
        { key: 'status', header: 'Status', cell: (r) => <span className={`status status-${r.status}`}>{r.status}</span> },
        { key: 'attempts', header: 'Attempts', numeric: true, cell: (r) => r.attempts },
        { key: 'finished', header: 'Finished', cell: (r) => formatTime(r.finishedAt) },
        {
          key: 'outcome',
          header: 'Outcome',
          cell: (r) =>
            r.failureReason ? (
              <span className="status-failed">{r.failureReason}</span>
            ) : r.result?.miningJobId && r.storeId && mining ? (
              <Link to={mining(r.result.miningJobId, r.storeId)}>mining job {r.result.miningJobId.slice(0, 8)}</Link>
            ) : r.result ? (
              <span className="small">{Object.entries(r.result).map(([key, value]) => `${key}: ${String(value)}`).join('; ')}</span>
            ) : (
              <span className="muted">—</span>
            ),
        },
      ]}
      rows={runs}
      rowKey={(r) => r.id}
      empty={empty}
    />
  );
}
