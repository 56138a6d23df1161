import { Inject, Injectable, Optional } from '@nestjs/common';
import { measure, type UtilityDatabase } from '@tessera/huim';
import { calibrationCounts, checkPlanDigest, clippedSum, demandSeriesClippedSum, priceResponseClippedSum, proposeItemsets, type CalibrationPlan, type DemandSeriesPlan, type PriceResponsePlan, type RoundPlan, type SalesTransaction } from '@tessera/federated';
import type { ingestionV1 } from '@tessera/proto';
import { loadStoreDatabase } from './jobs/store-database';
import { INGESTION_CLIENT, MEASURE_CACHE_MAX_AGE_MS, MEASURE_LIMITS } from './mining.tokens';
import { loadStoreSales } from './jobs/store-sales';

/**
 * Exact utility and support of given itemsets on a store's data (the federated rounds'
 * measurement step). The store's database is loaded once and kept until ingestion says
 * the store has new data, or for `maxAgeMs` at most.
 */
@Injectable()
export class MeasureService {
  private readonly cache = new Map<string, { loaded: Promise<UtilityDatabase>; at: number }>();
  private readonly salesCache = new Map<string, { loaded: Promise<SalesTransaction[]>; at: number }>();

  constructor(
    @Inject(INGESTION_CLIENT) private readonly ingestion: ingestionV1.IngestionServiceClient,
    @Optional() @Inject(MEASURE_CACHE_MAX_AGE_MS) private readonly maxAgeMs = 10 * 60_000,
    @Optional() @Inject(MEASURE_LIMITS) private readonly limits: { maxItemsets?: number; memoryBudgetBytes?: number } = {},
  ) {}

  invalidate(storeId: string) {
    this.cache.delete(storeId);
    this.salesCache.delete(storeId);
  }

  async measure(storeId: string, itemsets: string[][]): Promise<{ transactions: number; measurements: { items: string[]; utilityCents: number; support: number }[] }> {
    const database = await this.database(storeId);
    const results = measure(database, itemsets);
    return {
      transactions: database.nTransactions,
      measurements: results.map((pattern, i) => ({ items: itemsets[i], utilityCents: pattern.utility, support: pattern.support })),
    };
  }

  /** The store's local top itemsets for a round's candidate proposal: itemsets only. */
  async propose(storeId: string, options: { topM: number; maxLength: number; minSupport?: number }): Promise<string[][]> {
    return proposeItemsets(await this.database(storeId), { ...options, ...this.limits });
  }

  /**
   * The store's exact clipped, quantised vector for a round plan, without noise. Only the
   * node's privacy service asks for it; it adds the store's noise share before masking.
   */
  async clipped(storeId: string, planJson: string, phase: 'calibration' | 'measurement'): Promise<{ values: number[]; transactions: number; clippedTransactions: number }> {
    const plan = JSON.parse(planJson) as CalibrationPlan | RoundPlan | DemandSeriesPlan | PriceResponsePlan;
    checkPlanDigest(plan);
    // The statistics round kinds measure dated sales lines, not the utility database.
    if (plan.kind === 'tessera.federated.demand-series-plan/v1' || plan.kind === 'tessera.federated.price-response-plan/v1') {
      if (phase !== 'measurement') throw new RangeError(`a ${plan.kind} is measured in the measurement phase`);
      const sales = await this.sales(storeId);
      return plan.kind === 'tessera.federated.demand-series-plan/v1' ? demandSeriesClippedSum(sales, plan) : priceResponseClippedSum(sales, plan);
    }
    const database = await this.database(storeId);
    if (phase === 'calibration') {
      if (plan.kind !== 'tessera.federated.calibration-plan/v1') throw new Error('a calibration needs a calibration plan');
      return { values: calibrationCounts(database, plan), transactions: database.nTransactions, clippedTransactions: 0 };
    }
    if (plan.kind !== 'tessera.federated.round-plan/v1') throw new Error('a measurement needs a round plan');
    const sum = clippedSum(database, plan);
    return { values: sum.values, transactions: sum.transactions, clippedTransactions: sum.clippedTransactions };
  }

  private sales(storeId: string): Promise<SalesTransaction[]> {
    const cached = this.salesCache.get(storeId);
    if (cached && Date.now() - cached.at < this.maxAgeMs) return cached.loaded;
    const loaded = loadStoreSales(this.ingestion, storeId);
    loaded.catch(() => this.salesCache.delete(storeId));
    this.salesCache.set(storeId, { loaded, at: Date.now() });
    return loaded;
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
