import { measure, type UtilityDatabase } from '@tessera/huim';
import type { ingestionV1 } from '@tessera/proto';
import { loadStoreDatabase } from './jobs/store-database';

/**
 * Exact utility and support of given itemsets on a store's data (the federated rounds'
 * measurement step). The store's database is loaded once and kept until ingestion says
 * the store has new data, or for `maxAgeMs` at most.
 */
export class MeasureService {
  private readonly cache = new Map<string, { loaded: Promise<UtilityDatabase>; at: number }>();

  constructor(
    private readonly ingestion: ingestionV1.IngestionServiceClient,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  invalidate(storeId: string) {
    this.cache.delete(storeId);
  }

  async measure(storeId: string, itemsets: string[][]): Promise<{ transactions: number; measurements: { items: string[]; utilityCents: number; support: number }[] }> {
    const database = await this.database(storeId);
    const results = measure(database, itemsets);
    return {
      transactions: database.nTransactions,
      measurements: results.map((pattern, i) => ({ items: itemsets[i], utilityCents: pattern.utility, support: pattern.support })),
    };
  }

  private database(storeId: string): Promise<UtilityDatabase> {
    const cached = this.cache.get(storeId);
    if (cached && Date.now() - cached.at < this.maxAgeMs) return cached.loaded;
    const loaded = loadStoreDatabase(this.ingestion, storeId).then((result) => result.database);
    loaded.catch(() => this.cache.delete(storeId));
    this.cache.set(storeId, { loaded, at: Date.now() });
    return loaded;
  }
}
