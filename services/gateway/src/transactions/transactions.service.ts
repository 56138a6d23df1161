import { Inject, Injectable } from '@nestjs/common';
import { ingestionV1 } from '@tessera/proto';
import { INGESTION_CLIENT, callUnary } from '../clients/ingestion.client';
import type { FileStatusQuery, ListTransactionsQuery } from './transaction.dto';
import { fileSummaryJson, transactionJson } from './transaction.json';
import { Downstream } from '../clients/downstream';

@Injectable()
export class TransactionsService {
  constructor(
    @Inject(INGESTION_CLIENT) private readonly ingestion: ingestionV1.IngestionServiceClient,
    private readonly downstream: Downstream,
  ) {}

  async list(query: ListTransactionsQuery, requestId?: string) {
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const response = await this.downstream.run('ingestion', () => callUnary(
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
    ));
    return { transactions: response.transactions.map(transactionJson), total: Number(response.total), limit, offset };
  }

  async postEvents(storeId: string, events: Record<string, unknown>[], requestId?: string) {
    const response = await this.downstream.run('ingestion', () => callUnary(
      this.ingestion.ingestEvents.bind(this.ingestion),
      { storeId, events: events.map((event) => Buffer.from(JSON.stringify(event))), requestId: requestId ?? '' },
      requestId,
    ));
    return {
      stored: Number(response.stored),
      duplicates: Number(response.duplicates),
      rejected: response.rejected.map((r) => ({ index: r.index, transactionId: r.transactionId || undefined, field: r.fieldPath, reason: r.reason })),
    };
  }

  async fileStatus(fileId: string, query: FileStatusQuery, requestId?: string) {
    const response = await this.downstream.run('ingestion', () => callUnary(
      this.ingestion.getFile.bind(this.ingestion),
      { storeId: query.storeId, fileId, errorLimit: query.errorLimit ?? 100, errorOffset: query.errorOffset ?? 0 },
      requestId,
    ));
    return fileSummaryJson(response.file!);
  }
}
