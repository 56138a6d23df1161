import * as grpc from '@grpc/grpc-js';
import { parseTransactions, type FileFormat } from '@tessera/formats';
import { federationV1, ingestionV1 } from '@tessera/proto';

export type StatisticsKind = 'demand-series' | 'price-response';

const KIND_CODES: Record<StatisticsKind, federationV1.RoundKind> = {
  'demand-series': federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES,
  'price-response': federationV1.RoundKind.ROUND_KIND_PRICE_RESPONSE,
};

function unary<Req, Res>(client: grpc.Client, method: (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, request, (error: grpc.ServiceError | null, response: Res) => (error ? reject(error) : resolve(response))));
}

/**
 * The simulation's public catalogue: the N SKUs with the highest revenue (or utility) in the
 * file. In a real consortium the coordinator names the items or takes the top items of the
 * last itemset round; here the person running the command holds the whole file anyway.
 */
export async function topItemsOf(text: string, format: FileFormat, n: number): Promise<{ skus: string[]; referencePricesCents: number[] }> {
  const revenue = new Map<string, number>();
  const prices = new Map<string, number[]>();
  async function* chunks() {
    yield text;
  }
  for await (const event of parseTransactions(chunks(), format)) {
    if (event.kind !== 'transaction') continue;
    for (const line of event.transaction.lines) {
      if (!(line.utilityCents > 0)) continue;
      revenue.set(line.sku, (revenue.get(line.sku) ?? 0) + line.utilityCents);
      const price = line.unitPriceCents ?? line.utilityCents / Math.max(1, line.quantity);
      if (price > 0) prices.set(line.sku, [...(prices.get(line.sku) ?? []), price]);
    }
  }
  const skus = [...revenue].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n).map(([sku]) => sku);
  // The simulation's "list price" of an item: its median unit price in the file.
  const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { skus, referencePricesCents: skus.map((sku) => medianOf(prices.get(sku) ?? [100])) };
}

/** First and last day of the stores' data, from ingestion's summaries (the simulation's window). */
export async function dataWindow(ingestion: ingestionV1.IngestionServiceClient, storeIds: string[]): Promise<{ fromDate: string; toDate: string }> {
  const { stores: summaries } = await unary<ingestionV1.ListStoreSummariesRequest, ingestionV1.ListStoreSummariesResponse>(ingestion, ingestion.listStoreSummaries, { storeIds });
  const firsts = summaries.map((s) => s.firstTransactionAt).filter(Boolean).sort();
  const lasts = summaries.map((s) => s.lastTransactionAt).filter(Boolean).sort();
  if (!firsts.length) throw new Error('the stores hold no dated transactions');
  return { fromDate: firsts[0].slice(0, 10), toDate: lasts[lasts.length - 1].slice(0, 10) };
}

export function statisticsConfig(kind: StatisticsKind, options: { minStores: number; epsilon: number; storeIds: string[]; skus: string[]; referencePricesCents: number[]; period: string; fromDate: string; toDate: string; maxQuantity?: number; maxRevenueCents?: number }): federationV1.RoundConfig {
  return federationV1.RoundConfig.fromPartial({
    kind: KIND_CODES[kind],
    minStores: options.minStores,
    epsilon: options.epsilon,
    delta: 1e-5,
    kThreshold: Math.min(5, options.minStores),
    stageTimeoutSeconds: 300,
    storeIds: options.storeIds,
    catalogue: { skus: options.skus },
    period: options.period,
    fromDate: options.fromDate,
    toDate: options.toDate,
    demandBounds: { maxQuantityPerTransaction: options.maxQuantity ?? 0, maxRevenueCentsPerTransaction: options.maxRevenueCents ?? 0 },
    priceBounds: kind === 'price-response' ? { referenceUnitPricesCents: options.referencePricesCents, priceBand: 2 } : undefined,
  });
}

/** The command's JSON for a completed statistics round. */
export async function statisticsOutput(client: federationV1.FederationServiceClient, kind: StatisticsKind, roundId: string): Promise<Record<string, unknown>> {
  if (kind === 'demand-series') {
    const { period, points } = await unary<federationV1.ListDemandSeriesRequest, federationV1.ListDemandSeriesResponse>(client, client.listDemandSeries, { roundId, skus: [] });
    return {
      round: roundId,
      periodLength: period,
      series: points.map((p) => ({
        sku: p.sku,
        period: p.periodStart,
        quantity: p.quantity,
        revenue: p.revenueCents,
        interval: { quantity: [p.quantityLow95, p.quantityHigh95], revenue: [p.revenueLow95Cents, p.revenueHigh95Cents], quantitySigma: p.quantitySigma, revenueSigma: p.revenueSigmaCents, level: 0.95 },
      })),
    };
  }
  const { items } = await unary<federationV1.ListPriceResponsesRequest, federationV1.ListPriceResponsesResponse>(client, client.listPriceResponses, { roundId });
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return { round: roundId, elasticities: items.map((i) => ({ sku: i.sku, elasticity: finite(i.elasticity), stdError: finite(i.stdError), interval: [finite(i.low95), finite(i.high95)], observations: i.observations })) };
}
