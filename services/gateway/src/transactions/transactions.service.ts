import { Inject, Injectable } from '@nestjs/common';
import { ingestionV1 } from '@tessera/proto';
import { INGESTION_CLIENT, callUnary } from '../clients/ingestion.client';
import { httpErrorFromGrpc } from '../http/grpc-errors';
import type { FileStatusQuery, ListTransactionsQuery } from './transaction.dto';
import { fileSummaryJson, transactionJson } from './transaction.json';

@Injectable()
export class TransactionsService {
  constructor(@Inject(INGESTION_CLIENT) private readonly ingestion: ingestionV1.IngestionServiceClient) {}

  async list(query: ListTransactionsQuery, requestId?: string) {
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const response = await callUnary(
      this.ingestion.listTransactions.bind(this.ingestion),
      {
        storeId: query.storeId,
        startDate: query.startDate ?? '',
        endDate: query.endDate ?? '',
        minUtilityCents: query.minUtility === undefined ? '0' : String(Math.round(query.minUtility * 100)),
        limit,
        offset,
      },
      requestId,
    ).catch((error) => Promise.reject(httpErrorFromGrpc(error, 'ingestion')));
    return { transactions: response.transactions.map(transactionJson), total: Number(response.total), limit, offset };
  }

  async postEvents(storeId: string, events: Record<string, unknown>[], requestId?: string) {
    const response = await callUnary(
      this.ingestion.ingestEvents.bind(this.ingestion),
      { storeId, events: events.map((event) => Buffer.from(JSON.stringify(event))), requestId: requestId ?? '' },
      requestId,
    ).catch((error) => Promise.reject(httpErrorFromGrpc(error, 'ingestion')));
    return {
      stored: Number(response.stored),
      duplicates: Number(response.duplicates),
      rejected: response.rejected.map((r) => ({ index: r.index, transactionId: r.transactionId || undefined, field: r.fieldPath, reason: r.reason })),
    };
  }

  async fileStatus(fileId: string, query: FileStatusQuery, requestId?: string) {
    const response = await callUnary(
      this.ingestion.getFile.bind(this.ingestion),
      { storeId: query.storeId, fileId, errorLimit: query.errorLimit ?? 100, errorOffset: query.errorOffset ?? 0 },
      requestId,
    ).catch((error) => Promise.reject(httpErrorFromGrpc(error, 'ingestion')));
    return fileSummaryJson(response.file!);
  }

  async stores(requestId?: string) {
    const response = await callUnary(this.ingestion.listStoreSummaries.bind(this.ingestion), { storeIds: [] }, requestId).catch((error) => Promise.reject(httpErrorFromGrpc(error, 'ingestion')));
    return {
      stores: response.stores.map((s) => ({
        storeId: s.storeId,
        transactionCount: Number(s.transactionCount),
        fileCount: Number(s.fileCount),
        rejectedEventCount: Number(s.rejectedEventCount),
        firstTransactionAt: s.firstTransactionAt || undefined,
        lastTransactionAt: s.lastTransactionAt || undefined,
        totalUtility: Number(s.totalUtilityCents) / 100,
      })),
    };
  }
}
