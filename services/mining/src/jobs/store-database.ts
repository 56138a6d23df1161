import * as grpc from '@grpc/grpc-js';
import { DatabaseBuilder, type UtilityDatabase } from '@tessera/huim';
import { ingestionV1 } from '@tessera/proto';

export interface LoadedDatabase {
  database: UtilityDatabase;
  /** Lines whose utility was negative (sold at a loss): left out, as HUIM needs non-negative utilities. */
  negativeLinesSkipped: number;
}

/**
 * Reads one store's transactions from ingestion over its gRPC stream (mining never reads
 * ingestion's tables) into the flat arrays the miner works on. Items are SKUs; a line's
 * utility is its integer cents.
 */
export async function loadStoreDatabase(client: ingestionV1.IngestionServiceClient, storeId: string, onProgress?: (read: number) => void, signal?: AbortSignal): Promise<LoadedDatabase> {
  const builder = new DatabaseBuilder();
  let negativeLinesSkipped = 0;
  const call = client.streamTransactions({ storeId, batchSize: 2000 });
  const abort = () => call.cancel();
  signal?.addEventListener('abort', abort);
  try {
    for await (const response of call as AsyncIterable<ingestionV1.StreamTransactionsResponse>) {
      for (const transaction of response.transactions) {
        const items: string[] = [];
        const utilities: number[] = [];
        for (const line of transaction.lines) {
          const utility = Number(line.utilityCents);
          if (utility < 0) {
            negativeLinesSkipped++;
            continue;
          }
          items.push(line.sku);
          utilities.push(utility);
        }
        builder.add(items, utilities);
      }
      onProgress?.(builder.transactionCount);
    }
  } catch (error) {
    if (signal?.aborted) throw new Error('cancelled');
    const status = (error as grpc.ServiceError).code;
    if (status === grpc.status.UNAVAILABLE) throw new Error('the ingestion service is unavailable, so the store\'s transactions could not be read');
    throw error;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
  return { database: builder.build(), negativeLinesSkipped };
}

/** The typed arrays and keys of a database, transferable to a worker thread. */
export function serialiseDatabase(database: UtilityDatabase) {
  return {
    nTransactions: database.nTransactions,
    nItems: database.nItems,
    offsets: database.offsets,
    items: database.items,
    utilities: database.utilities,
    transactionUtility: database.transactionUtility,
    itemSupport: database.itemSupport,
    totalUtility: database.totalUtility,
    keys: database.dictionary.allKeys(),
  };
}

export type SerialisedDatabase = ReturnType<typeof serialiseDatabase>;
