import * as grpc from '@grpc/grpc-js';
import { Injectable } from '@nestjs/common';
import { GrpcError } from '@tessera/common';
import type { ingestionV1 } from '@tessera/proto';
import { TransactionRepository, type StoredTransactionRow } from './repositories/transaction.repository';
import { FileRepository } from './repositories/file.repository';
import { RejectedEventRepository } from './repositories/rejected-event.repository';
import { STORE_ID_PATTERN } from './file-ingest.service';

function toTransaction(row: StoredTransactionRow): ingestionV1.Transaction {
  return {
    storeId: row.store_id,
    transactionId: row.transaction_id,
    occurredAt: new Date(row.occurred_at).toISOString(),
    totalUtilityCents: row.total_utility_cents,
    source: row.source,
    fileId: row.file_id ?? '',
    lines: row.lines.map((l) => ({
      sku: l.sku,
      name: l.name ?? '',
      quantity: String(l.quantity),
      unitPriceCents: String(l.unitPriceCents ?? 0),
      unitProfitCents: String(l.unitProfitCents ?? 0),
      hasUnitProfit: l.unitProfitCents !== undefined && l.unitProfitCents !== null,
      utilityCents: String(l.utilityCents),
    })),
  };
}

function requireStore(storeId: string) {
  if (!STORE_ID_PATTERN.test(storeId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `storeId ${JSON.stringify(storeId)} is not a valid store id`);
}

function isoOrUndefined(value: string, field: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `${field} must be an ISO 8601 date, got ${JSON.stringify(value)}`);
  return time.toISOString();
}

/** Reads of stored transactions, always for one named store. */
@Injectable()
export class TransactionQueryService {
  constructor(
    private readonly transactions: TransactionRepository,
    private readonly files: FileRepository,
    private readonly rejections: RejectedEventRepository,
  ) {}

  async list(request: ingestionV1.ListTransactionsRequest): Promise<ingestionV1.ListTransactionsResponse> {
    requireStore(request.storeId);
    const limit = request.limit > 0 ? Math.min(request.limit, 1000) : 100;
    const { rows, total } = await this.transactions.list(request.storeId, {
      startDate: isoOrUndefined(request.startDate, 'startDate'),
      endDate: isoOrUndefined(request.endDate, 'endDate'),
      minUtilityCents: request.minUtilityCents !== '0' ? Number(request.minUtilityCents) : undefined,
      limit,
      offset: Math.max(0, request.offset),
    });
    return { transactions: rows.map(toTransaction), total: String(total) };
  }

  async stream(storeId: string, batchSize: number, send: (batch: ingestionV1.Transaction[]) => Promise<void>): Promise<void> {
    requireStore(storeId);
    for await (const rows of this.transactions.scan(storeId, Math.min(Math.max(batchSize, 1), 10000))) await send(rows.map(toTransaction));
  }

  async summaries(storeIds: string[]): Promise<ingestionV1.ListStoreSummariesResponse> {
    storeIds.forEach(requireStore);
    const [rows, fileCounts, rejectedCounts] = await Promise.all([this.transactions.summaries(storeIds), this.files.countByStore(storeIds), this.rejections.countByStore(storeIds)]);
    const ids = new Set([...rows.map((r) => r.store_id), ...fileCounts.keys(), ...rejectedCounts.keys()]);
    const byId = new Map(rows.map((r) => [r.store_id, r]));
    return {
      stores: [...ids].sort().map((storeId) => {
        const row = byId.get(storeId);
        return {
          storeId,
          transactionCount: row?.transaction_count ?? '0',
          fileCount: String(fileCounts.get(storeId) ?? 0),
          rejectedEventCount: String(rejectedCounts.get(storeId) ?? 0),
          firstTransactionAt: row?.first_at ? new Date(row.first_at).toISOString() : '',
          lastTransactionAt: row?.last_at ? new Date(row.last_at).toISOString() : '',
          totalUtilityCents: row?.total_utility_cents ?? '0',
        };
      }),
    };
  }
}
