import { api, uploadWithProgress } from './http-client';

export interface TransactionLine {
  sku: string;
  name?: string;
  quantity: number;
  unitPrice: number;
  utility: number;
}
export interface Transaction {
  transactionId: string;
  storeId: string;
  occurredAt: string;
  totalUtility: number;
  source: string;
  fileId?: string;
  lines: TransactionLine[];
}
export interface TransactionPage {
  transactions: Transaction[];
  total: number;
  limit: number;
  offset: number;
}
export interface TransactionFilter {
  storeId: string;
  startDate?: string;
  endDate?: string;
  minUtility?: number;
  limit?: number;
  offset?: number;
}
export interface RowError {
  line: number;
  field?: string;
  reason: string;
}
export interface FileStatus {
  fileId: string;
  storeId: string;
  fileName: string;
  format: string;
  status: string;
  transactionCount: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  errorCount: number;
  errors: RowError[];
  createdAt: string;
  completedAt?: string;
}

export const fetchTransactions = (filter: TransactionFilter) => api<TransactionPage>('/api/transactions', { query: { ...filter } });
export const fetchFile = (storeId: string, fileId: string, errorLimit = 1000, errorOffset = 0) => api<FileStatus>(`/api/transactions/files/${encodeURIComponent(fileId)}`, { query: { storeId, errorLimit, errorOffset } });

/** storeId goes before the file: the gateway authorizes the store before it streams the body. */
export function uploadTransactions(storeId: string, file: File, format: string, onProgress: (fraction: number) => void) {
  const form = new FormData();
  form.append('storeId', storeId);
  if (format) form.append('format', format);
  form.append('file', file, file.name);
  return uploadWithProgress<FileStatus>('/api/transactions/upload', form, onProgress);
}

/** An upload as the store node keeps it: its bytes in the node's bucket (kept), with their size and sha256. */
export interface StoredFile extends Omit<FileStatus, 'errors'> {
  sizeBytes: number;
  sha256?: string;
  kept: boolean;
  bucket?: string;
  objectKey?: string;
}
export interface StoredFilePage {
  files: StoredFile[];
  total: number;
  limit: number;
  offset: number;
}

export const fetchStoredFiles = (storeId: string, limit = 50, offset = 0) => api<StoredFilePage>('/api/files', { query: { storeId, limit, offset } });
/** Parses the kept bytes again (after a parser fix, say): rows already stored count as duplicates. */
export const reprocessFile = (storeId: string, fileId: string) => api<FileStatus>(`/api/files/${encodeURIComponent(fileId)}/reprocess`, { method: 'POST', query: { storeId } });
