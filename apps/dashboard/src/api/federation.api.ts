import { api } from './http-client';

export interface RoundConfig {
  minClients: number;
  privacyBudget: number;
  delta: number;
  kThreshold: number;
  minUtilityFraction: number;
  maxPatternLength: number;
  topM: number;
  roundTimeout: number;
  storeIds: string[];
}
export interface Participant {
  storeId: string;
  state: string;
  reason?: string;
}
export interface Round {
  id: string;
  status: string;
  config: RoundConfig;
  participants: Participant[];
  candidateCount: number;
  patternCount: number;
  noise?: { utilitySigma: number; supportSigma: number };
  failureReason?: string;
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
}
export interface GlobalPattern {
  rank: number;
  items: string[];
  aggregatedUtility: number;
  globalSupport: number;
  contributingStores: number;
  clientCoverage: number;
  interval: [number, number];
}
export interface StartRound {
  minClients: number;
  privacyBudget: number;
  roundTimeout?: number;
  kThreshold?: number;
  minUtilityFraction?: number;
  maxPatternLength?: number;
  topM?: number;
  storeIds?: string[];
}

export const ACTIVE_STATUSES = ['pending', 'proposing', 'key_setup', 'key setup', 'measuring', 'unmasking'];
export const isActive = (round?: Round) => !!round && ACTIVE_STATUSES.includes(round.status);

export const fetchRounds = (limit = 50, offset = 0) => api<{ rounds: Round[]; total: number }>('/api/federated/rounds', { query: { limit, offset } });
export const fetchRound = (id: string) => api<Round>(`/api/federated/rounds/${encodeURIComponent(id)}`);
export const startRound = (body: StartRound) => api<Round>('/api/federated/rounds/start', { method: 'POST', json: body });
export const fetchGlobalPatterns = (roundId: string | undefined, limit: number, offset: number) =>
  api<{ patterns: GlobalPattern[]; total: number; roundInfo?: Round }>('/api/federated/global-patterns', { query: { roundId, limit, offset } });
export const fetchFederatedStores = () => api<{ stores: { storeId: string; connected: boolean; enrolledAt: string }[] }>('/api/federated/stores');
