import { api } from './http-client';

export interface StoreSummary {
  storeId: string;
  name: string;
  regionId: string | null;
  registered: boolean;
  transactionCount: number;
  fileCount: number;
  rejectedEventCount: number;
  firstTransactionAt: string | null;
  lastTransactionAt: string | null;
  totalUtility: number;
}

export const fetchStores = () => api<{ stores: StoreSummary[] }>('/api/stores');
export const createStore = (body: { id: string; name: string; regionId?: string }) => api('/api/stores', { method: 'POST', json: body });
