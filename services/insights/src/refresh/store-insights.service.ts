import { Inject, Injectable } from '@nestjs/common';
import { itemsetKey, PERIODS } from '@tessera/forecast';
import { LOGGER, SERVICE_CONFIG } from '@tessera/nest-core';
import type { Logger } from '@tessera/common';
import type { ingestionV1, miningV1 } from '@tessera/proto';
import { call, NodeClients } from '../clients/grpc-clients';
import { StoreSalesReader } from '../clients/store-sales.reader';
import type { InsightsConfig } from '../insights.config';
import type { BundleDocument, ForecastDocument, ItemForecastDocument } from '../insight-documents';
import { forecastItem, itemsetsToMeasure, storePrices, storeSeries, withStoreMeasures } from '../insights.util';
import { ResultRepository } from '../repositories/result.repository';
import { StockRepository } from '../repositories/stock.repository';
import { ConsortiumBundlesReader } from './consortium-bundles.reader';

/**
 * A store's own insights, on its node: forecasts per item and period, elasticities from its
 * history, and the consortium's bundles measured exactly on its data. Reads the store's
 * transactions over ingestion's stream and measures through the node's mining service;
 * nothing it computes leaves the node (the hub is only asked for what it published).
 */
@Injectable()
export class StoreInsightsService {
  constructor(
    private readonly sales: StoreSalesReader,
    private readonly nodes: NodeClients,
    private readonly consortiumBundles: ConsortiumBundlesReader,
    private readonly results: ResultRepository,
    private readonly stock: StockRepository,
    @Inject(SERVICE_CONFIG) private readonly config: InsightsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The stores this node holds (ingestion knows them). */
  async storeIds(): Promise<string[]> {
    const response: ingestionV1.ListStoreSummariesResponse = await call(this.nodes.ingestion, this.nodes.ingestion.listStoreSummaries, { storeIds: [] });
    return response.stores.map((store) => store.storeId);
  }

  async refresh(storeId: string): Promise<string[]> {
    const lines = await this.sales.read(storeId);
    const levels = await this.stock.list(storeId);
    const owner = { scope: 'store' as const, storeId };
    let weekly: ForecastDocument | undefined;
    for (const period of PERIODS) {
      const forecasts: ItemForecastDocument[] = [];
      for (const item of storeSeries(lines, period, this.config.INSIGHTS_TOP_ITEMS, period === 'day' ? levels.map((level) => level.sku) : [])) {
        const forecast = forecastItem(item, period);
        if (forecast) forecasts.push(forecast);
        // Forecasting is CPU-bound WebAssembly: let gRPC calls and events through between items.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const document: ForecastDocument = { period, round: null, forecasts };
      await this.results.save(owner, 'forecasts', period, document);
      if (period === 'week') weekly = document;
    }
    await this.results.save(owner, 'prices', '', storePrices(lines, (weekly?.forecasts ?? []).map((f) => ({ sku: f.sku, name: f.name }))));
    const names = new Map<string, string>();
    for (const line of lines) if (line.name && !names.has(line.sku)) names.set(line.sku, line.name);
    await this.results.save(owner, 'bundles', '', await this.bundles(storeId, names));
    return ['forecasts', 'prices', 'bundles', 'stock-alerts'];
  }

  /**
   * After a round only the bundles change (forecasts and prices depend on the store's own
   * data, which only batches change): re-read the consortium's and measure them on the store.
   * Item names come from the previous forecasts, so the store's transactions are not re-read.
   */
  async refreshBundles(storeId: string): Promise<string[]> {
    const owner = { scope: 'store' as const, storeId };
    const weekly = await this.results.find<ForecastDocument>(owner, 'forecasts', 'week');
    const names = new Map((weekly?.forecasts ?? []).map((f) => [f.sku, f.name]));
    await this.results.save(owner, 'bundles', '', await this.bundles(storeId, names));
    return ['bundles'];
  }

  /** The consortium's latest bundles with the store's own exact measures beside them. */
  private async bundles(storeId: string, names: ReadonlyMap<string, string>): Promise<BundleDocument> {
    const consortium = await this.consortiumBundles.read(names).catch((error) => {
      this.logger.warn({ err: error }, 'could not read the consortium bundles from the hub; the store sees none until it can');
      return { round: null, bundles: [] } as BundleDocument;
    });
    if (!consortium.bundles.length) return consortium;
    const itemsets = itemsetsToMeasure(consortium.bundles.map((bundle) => ({ items: bundle.items.map((item) => item.sku) })));
    const measured: miningV1.MeasureItemsetsResponse = await call(this.nodes.mining, this.nodes.mining.measureItemsets, { storeId, itemsets: itemsets.map((items) => ({ items })) });
    const measures = new Map(measured.measurements.map((m) => [itemsetKey(m.items), { utilityCents: Number(m.utilityCents), support: Number(m.support) }]));
    return withStoreMeasures(consortium, measures, Number(measured.transactions));
  }
}
