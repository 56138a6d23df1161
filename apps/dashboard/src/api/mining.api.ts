import { api, download } from './http-client';

export interface MiningJob {
  jobId: string;
  storeId: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | string;
  phase?: string;
  progress: number;
  error?: string;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  stats?: Record<string, unknown>;
}
export interface MinedPattern {
  rank: number;
  items: string[];
  utility: number;
  support: number;
  supportRatio?: number;
  confidence?: number;
}
export interface MiningResults extends MiningJob {
  patterns: MinedPattern[];
  total: number;
  limit: number;
  offset: number;
}
export interface ResultsQuery {
  sortBy?: 'utility' | 'support' | 'confidence' | 'length';
  order?: 'asc' | 'desc';
  minUtility?: number;
  containsItem?: string;
  minLength?: number;
  maxLength?: number;
  limit?: number;
  offset?: number;
}
export interface StartMining {
  storeId: string;
  minUtility?: string | number;
  topK?: number;
  maxPatternLength?: number;
}

export const startMining = (body: StartMining) => api<MiningJob>('/api/mining/start', { method: 'POST', json: body });
export const fetchJob = (storeId: string, jobId: string) => api<MiningJob>(`/api/mining/jobs/${encodeURIComponent(jobId)}`, { query: { storeId } });
export const cancelJob = (storeId: string, jobId: string) => api<MiningJob>(`/api/mining/jobs/${encodeURIComponent(jobId)}/cancel`, { method: 'POST', query: { storeId } });
export const fetchResults = (storeId: string, jobId: string, query: ResultsQuery) => api<MiningResults>(`/api/mining/results/${encodeURIComponent(jobId)}`, { query: { storeId, ...query } });
export const exportResultsCsv = (storeId: string, jobId: string, query: ResultsQuery) =>
  download(`/api/mining/results/${encodeURIComponent(jobId)}`, { storeId, ...query, limit: undefined, offset: undefined, format: 'csv' }, `patterns-${storeId}-${jobId.slice(0, 8)}.csv`);

/** Jobs this browser started, per store (the API has no job list yet; the scheduler's /api/jobs will). */
export function rememberedJobs(storeId: string): string[] {
  try {
    return JSON.parse(localStorage.getItem(`tessera.jobs.${storeId}`) ?? '[]') as string[];
  } catch {
    return [];
  }
}
export function rememberJob(storeId: string, jobId: string) {
  localStorage.setItem(`tessera.jobs.${storeId}`, JSON.stringify([jobId, ...rememberedJobs(storeId).filter((id) => id !== jobId)].slice(0, 20)));
}
