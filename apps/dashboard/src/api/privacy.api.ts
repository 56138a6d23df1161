import { api } from './http-client';

export interface Budget {
  storeId: string;
  epsilonCap: number;
  delta: number;
  spentEpsilon: number;
  remainingEpsilon: number;
  spentRho: number;
  remainingRho: number;
  exhausted: boolean;
  releaseCount: number;
  defaultRoundEpsilon: number;
  mechanism: string;
  hashPatterns: boolean;
  updatedAt?: string;
}
export interface LedgerEntry {
  entryId: string;
  roundId: string;
  releaseId: string;
  mechanism: string;
  rho: number;
  parameters: Record<string, unknown>;
  totalRhoAfter: number;
  epsilonAfter: number;
  createdAt: string;
}
export interface ImpactPreview {
  epsilon: number;
  noiseScale: number;
  rho: number;
  epsilonAfterRound: number;
  fitsBudget: boolean;
  patterns: { items: string[]; utility: number; expectedAbsoluteError: number; interval95HalfWidth: number; expectedRelativeError: number }[];
}

export const fetchBudget = (storeId: string) => api<Budget>('/api/privacy/budget', { query: { storeId } });
export const fetchLedger = (storeId: string, limit: number, offset: number) => api<{ entries: LedgerEntry[]; total: number }>('/api/privacy/ledger', { query: { storeId, limit, offset } });
export const previewImpact = (body: { storeId: string; epsilon: number; clipBound: number; miningJobId?: string }) => api<ImpactPreview>('/api/privacy/impact-preview', { method: 'POST', json: body });
