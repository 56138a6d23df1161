/** A validated transaction ready to store; money in integer cents. */
export interface TransactionLineRecord {
  sku: string;
  name?: string;
  quantity: number;
  unitPriceCents?: number;
  unitProfitCents?: number;
  utilityCents: number;
}

export interface TransactionRecord {
  storeId: string;
  transactionId: string;
  occurredAt: string;
  customerHash?: string;
  lines: TransactionLineRecord[];
  source: 'pos' | 'file';
  fileId?: string;
}

export function totalUtilityCents(record: TransactionRecord): number {
  return record.lines.reduce((sum, line) => sum + line.utilityCents, 0);
}
