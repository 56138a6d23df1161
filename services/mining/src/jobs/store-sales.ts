import * as grpc from '@grpc/grpc-js';
import type { SalesTransaction } from '@tessera/federated';
import type { ingestionV1 } from '@tessera/proto';

/**
 * Reads one store's transactions from ingestion as dated sales lines (quantity, unit price),
 * for the demand-series and price-response measurements. Like loadStoreDatabase, it reads
 * through ingestion's gRPC stream and never leaves the node.
 */
export async function loadStoreSales(client: ingestionV1.IngestionServiceClient, storeId: string): Promise<SalesTransaction[]> {
  const sales: SalesTransaction[] = [];
  const call = client.streamTransactions({ storeId, batchSize: 2000 });
  try {
    for await (const response of call as AsyncIterable<ingestionV1.StreamTransactionsResponse>) {
      for (const transaction of response.transactions) {
        sales.push({ occurredAt: transaction.occurredAt, lines: transaction.lines.map((line) => ({ sku: line.sku, quantity: Number(line.quantity), unitPriceCents: Number(line.unitPriceCents) })) });
      }
    }
  } catch (error) {
    if ((error as grpc.ServiceError).code === grpc.status.UNAVAILABLE) throw new Error("the ingestion service is unavailable, so the store's transactions could not be read");
    throw error;
  }
  return sales;
}
