import { Injectable } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import type { ingestionV1 } from '@tessera/proto';
import { NodeClients } from './grpc-clients';

/** One sold line of a store, as the forecasts, prices and stock alerts need it. */
export interface StoreSaleLine {
  sku: string;
  name?: string;
  /** ISO timestamp of the transaction. */
  date: string;
  quantity: number;
  unitPriceCents: number;
}

/**
 * Reads one store's transactions from its node's ingestion over the gRPC stream, as mining
 * does (insights never reads ingestion's tables). Runs on the store node only.
 */
@Injectable()
export class StoreSalesReader {
  constructor(private readonly clients: NodeClients) {}

  async read(storeId: string): Promise<StoreSaleLine[]> {
    const lines: StoreSaleLine[] = [];
    const stream = this.clients.ingestion.streamTransactions({ storeId, batchSize: 2000 });
    try {
      for await (const response of stream as AsyncIterable<ingestionV1.StreamTransactionsResponse>) {
        for (const transaction of response.transactions) {
          if (!transaction.occurredAt) continue;
          for (const line of transaction.lines) {
            lines.push({ sku: line.sku, ...(line.name ? { name: line.name } : {}), date: transaction.occurredAt, quantity: Number(line.quantity), unitPriceCents: Number(line.unitPriceCents) });
          }
        }
      }
    } catch (error) {
      if ((error as grpc.ServiceError).code === grpc.status.UNAVAILABLE) throw new Error("the ingestion service is unavailable, so the store's transactions could not be read");
      throw error;
    }
    return lines;
  }
}
