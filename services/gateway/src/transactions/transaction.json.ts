import { ingestionV1 } from '@tessera/proto';
import { formatName } from './file-formats';

const STATUS: Record<number, string> = {
  [ingestionV1.FileStatus.FILE_STATUS_PROCESSING]: 'processing',
  [ingestionV1.FileStatus.FILE_STATUS_COMPLETED]: 'completed',
  [ingestionV1.FileStatus.FILE_STATUS_FAILED]: 'failed',
};

/** Cents to currency units for display; stored values stay integer cents. */
const units = (cents: string) => Number(cents) / 100;

/** The seed API's upload response (fileId, status, transactionCount, errors) plus the counts. */
export function fileSummaryJson(file: ingestionV1.FileSummary) {
  return {
    fileId: file.fileId,
    storeId: file.storeId,
    fileName: file.fileName,
    format: formatName(file.format),
    status: STATUS[file.status] ?? 'unknown',
    transactionCount: Number(file.transactionCount),
    accepted: Number(file.accepted),
    rejected: Number(file.rejected),
    duplicates: Number(file.duplicates),
    errorCount: Number(file.errorCount),
    errors: file.errors.map((e) => ({ line: Number(e.line), field: e.field, reason: e.reason })),
    failureReason: file.failureReason || undefined,
    createdAt: file.createdAt,
    completedAt: file.completedAt || undefined,
  };
}

export function transactionJson(transaction: ingestionV1.Transaction) {
  return {
    transactionId: transaction.transactionId,
    storeId: transaction.storeId,
    occurredAt: transaction.occurredAt,
    totalUtility: units(transaction.totalUtilityCents),
    source: transaction.source,
    fileId: transaction.fileId || undefined,
    lines: transaction.lines.map((line) => ({
      sku: line.sku,
      name: line.name || undefined,
      quantity: Number(line.quantity),
      unitPrice: units(line.unitPriceCents),
      unitProfit: line.hasUnitProfit ? units(line.unitProfitCents) : undefined,
      utility: units(line.utilityCents),
    })),
  };
}

export function previewJson(preview: ingestionV1.PreviewFileResponse) {
  return {
    format: formatName(preview.format),
    transactions: preview.transactions.map((t) => ({
      line: Number(t.line),
      transactionId: t.transactionId,
      occurredAt: t.occurredAt || undefined,
      lines: t.lines.map((l) => ({ sku: l.sku, name: l.name || undefined, quantity: Number(l.quantity), utility: units(l.utilityCents) })),
    })),
    errors: preview.errors.map((e) => ({ line: Number(e.line), field: e.field, reason: e.reason })),
  };
}
