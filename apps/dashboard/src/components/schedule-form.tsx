import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createSchedule, KIND_LABELS, kindsFor, type CreateSchedule, type ScheduleKind } from '../api/schedules.api';
import type { Role } from '../api/session-store';
import { describeCron } from './cron.util';
import { formatTime } from './format';
import { ErrorNotice, Notice } from './status-notice';

const DATA_CLASSES = [
  ['raw_transactions', 'raw transactions (default 730 days)'],
  ['uploaded_files', 'upload records (default 90 days)'],
  ['audit', 'audit log (default 400 days; not applied yet)'],
  ['round_artefacts', 'round artefacts (default 30 days; not applied yet)'],
] as const;

/** Creates a schedule of a kind the role may use; `storeId` fixes the store (a store's own page). */
export function ScheduleForm({ role, storeId, stores }: { role: Role; storeId?: string; stores: string[] }) {
  const client = useQueryClient();
  const kinds = storeId ? kindsFor(role).filter((kind) => kind === 'mining' || kind === 'insights_refresh' || kind === 'retention_sweep') : kindsFor(role);
  const [kind, setKind] = useState<ScheduleKind>(kinds[0]);
  const [cron, setCron] = useState('0 2 * * *');
  const [store, setStore] = useState(storeId ?? '');
  const [description, setDescription] = useState('');
  const [minUtility, setMinUtility] = useState('1%');
  const [topK, setTopK] = useState('');
  const [epsilon, setEpsilon] = useState('1');
  const [minStores, setMinStores] = useState('3');
  const [dataClass, setDataClass] = useState('uploaded_files');
  const [olderThanDays, setOlderThanDays] = useState('');
  const create = useMutation({ mutationFn: (body: CreateSchedule) => createSchedule(body), onSuccess: () => client.invalidateQueries({ queryKey: ['schedules'] }) });
  if (kinds.length === 0) return null;
  const needsStore = kind === 'mining';
  const noStore = kind === 'federated_round';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parameters: Record<string, unknown> = {};
    if (kind === 'mining') {
      if (topK) parameters.topK = Number(topK);
      else parameters.minUtility = minUtility.trim();
    } else if (kind === 'federated_round') {
      parameters.epsilon = Number(epsilon);
      parameters.minStores = Number(minStores);
    } else if (kind === 'retention_sweep') {
      parameters.dataClass = dataClass;
      if (olderThanDays) parameters.olderThanDays = Number(olderThanDays);
    }
    create.mutate({ kind, cron: cron.trim(), storeId: noStore ? undefined : store || undefined, parameters, description: description.trim() || undefined });
  };
  const cronWords = describeCron(cron);
  return (
    <form onSubmit={submit} aria-label="New schedule" className="panel">
      <h2>New schedule</h2>
      <div className="form-row">
        <div>
          <label htmlFor="schedule-kind">Kind</label>
          <select id="schedule-kind" value={kind} onChange={(e) => setKind(e.target.value as ScheduleKind)}>
            {kinds.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="schedule-cron">Cron (UTC)</label>
          <input id="schedule-cron" required value={cron} onChange={(e) => setCron(e.target.value)} aria-describedby="schedule-cron-help" size={16} />
        </div>
        {!storeId && !noStore && (
          <div>
            <label htmlFor="schedule-store">Store{needsStore ? '' : ' (empty: hub-wide)'}</label>
            <select id="schedule-store" value={store} required={needsStore} onChange={(e) => setStore(e.target.value)}>
              <option value="">{needsStore ? 'choose a store' : 'hub-wide'}</option>
              {stores.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </div>
        )}
        {kind === 'mining' && (
          <>
            <div>
              <label htmlFor="schedule-min-utility">Minimum utility (cents or %)</label>
              <input id="schedule-min-utility" value={minUtility} onChange={(e) => setMinUtility(e.target.value)} disabled={!!topK} size={10} />
            </div>
            <div>
              <label htmlFor="schedule-top-k">or top-k</label>
              <input id="schedule-top-k" type="number" min={1} value={topK} onChange={(e) => setTopK(e.target.value)} size={6} />
            </div>
          </>
        )}
        {kind === 'federated_round' && (
          <>
            <div>
              <label htmlFor="schedule-epsilon">ε per round</label>
              <input id="schedule-epsilon" type="number" min={0.01} step="any" required value={epsilon} onChange={(e) => setEpsilon(e.target.value)} />
            </div>
            <div>
              <label htmlFor="schedule-min-stores">Minimum stores</label>
              <input id="schedule-min-stores" type="number" min={2} required value={minStores} onChange={(e) => setMinStores(e.target.value)} />
            </div>
          </>
        )}
        {kind === 'retention_sweep' && (
          <>
            <div>
              <label htmlFor="schedule-data-class">Data</label>
              <select id="schedule-data-class" value={dataClass} onChange={(e) => setDataClass(e.target.value)}>
                {DATA_CLASSES.map(([value, text]) => (
                  <option key={value} value={value}>
                    {text}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="schedule-older-than">Older than (days; empty: default)</label>
              <input id="schedule-older-than" type="number" min={1} value={olderThanDays} onChange={(e) => setOlderThanDays(e.target.value)} />
            </div>
          </>
        )}
        <div>
          <label htmlFor="schedule-description">Description</label>
          <input id="schedule-description" maxLength={200} value={description} onChange={(e) => setDescription(e.target.value)} />
        </div>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create schedule
        </button>
      </div>
      <p id="schedule-cron-help" className="small muted">
        Five fields in UTC: minute hour day month weekday (e.g. <code>0 2 * * *</code> nightly at 02:00 UTC){cronWords ? `; this one runs ${cronWords}` : ''}.
      </p>
      <ErrorNotice error={create.error} what="the schedule" />
      {create.data && (
        <Notice kind="success">
          Schedule created: {KIND_LABELS[create.data.kind] ?? create.data.kind}
          {create.data.storeId ? ` of ${create.data.storeId}` : ''}, next run {create.data.nextRunAt ? formatTime(create.data.nextRunAt) : 'not planned'}.
        </Notice>
      )}
    </form>
  );
}
