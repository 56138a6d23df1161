import { api } from './http-client';
import type { Role } from './session-store';

export type ScheduleKind = 'mining' | 'federated_round' | 'insights_refresh' | 'retention_sweep';

export interface Schedule {
  id: string;
  kind: ScheduleKind | string;
  /** Cron expression in UTC (five fields, or six with seconds first). */
  cron: string;
  storeId?: string;
  parameters: Record<string, unknown>;
  description: string;
  paused: boolean;
  createdBy: string;
  createdAt: string;
  nextRunAt?: string;
  lastRunAt?: string;
  lastStatus?: string;
}

/** One run of a schedule (GET /api/jobs); a mining run's result names the mining job it started. */
export interface ScheduledRun {
  id: string;
  scheduleId: string;
  kind: string;
  storeId?: string;
  dueAt: string;
  status: 'created' | 'active' | 'completed' | 'failed' | string;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  failureReason?: string;
  result?: { miningJobId?: string } & Record<string, unknown>;
}

export interface CreateSchedule {
  kind: ScheduleKind;
  cron: string;
  storeId?: string;
  parameters?: Record<string, unknown>;
  description?: string;
}

export interface ErasureRequest {
  id: string;
  scope: 'customer' | 'store' | string;
  storeId: string;
  status: 'pending' | 'published' | 'completed' | 'overdue' | string;
  requestedBy: string;
  requestedAt: string;
  deadline: string;
  completedAt?: string;
  /** Services that have not confirmed yet. */
  awaiting: string[];
  report: { service: string; confirmedAt: string; note?: string; deleted: Record<string, number> }[];
}

export const KIND_LABELS: Record<string, string> = {
  mining: 'Mining',
  federated_round: 'Federated round',
  insights_refresh: 'Insights refresh',
  retention_sweep: 'Retention sweep',
};

/** The kinds a role may schedule (the gateway's scheduleRefusal decides; this only avoids offering the rest). */
export function kindsFor(role: Role): ScheduleKind[] {
  if (role === 'store_manager') return ['mining'];
  if (role === 'regional_coordinator') return ['federated_round', 'insights_refresh', 'retention_sweep'];
  return ['mining', 'federated_round', 'insights_refresh', 'retention_sweep'];
}
export const mayManage = (role: Role, schedule: Schedule) => kindsFor(role).includes(schedule.kind as ScheduleKind);

export const fetchSchedules = () => api<{ schedules: Schedule[] }>('/api/schedules');
export const createSchedule = (body: CreateSchedule) => api<Schedule>('/api/schedules', { method: 'POST', json: body });
export const pauseSchedule = (id: string) => api<Schedule>(`/api/schedules/${encodeURIComponent(id)}/pause`, { method: 'POST' });
export const resumeSchedule = (id: string) => api<Schedule>(`/api/schedules/${encodeURIComponent(id)}/resume`, { method: 'POST' });
export const deleteSchedule = (id: string) => api<{ id: string; deleted: boolean }>(`/api/schedules/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const fetchRuns = (query: { scheduleId?: string; failed?: boolean; limit?: number } = {}) =>
  api<{ jobs: ScheduledRun[] }>('/api/jobs', { query: { scheduleId: query.scheduleId, failed: query.failed ? 'true' : undefined, limit: query.limit } });

export const createErasure = (body: { scope: 'customer' | 'store'; storeId: string; customerId?: string; deadlineDays?: number }) =>
  api<ErasureRequest>('/api/erasure-requests', { method: 'POST', json: body });
export const fetchErasure = (id: string) => api<ErasureRequest>(`/api/erasure-requests/${encodeURIComponent(id)}`);

/** There is no API listing erasure requests: this browser remembers the ones it made, per store. */
export function rememberedErasures(storeId: string): string[] {
  try {
    return JSON.parse(localStorage.getItem(`tessera.erasures.${storeId}`) ?? '[]') as string[];
  } catch {
    return [];
  }
}
export function rememberErasure(storeId: string, id: string) {
  localStorage.setItem(`tessera.erasures.${storeId}`, JSON.stringify([id, ...rememberedErasures(storeId).filter((known) => known !== id)].slice(0, 20)));
}
