import { Injectable } from '@nestjs/common';
import { detectAnomalies, isPeriod } from '@tessera/forecast';
import { FederationClient } from '../clients/grpc-clients';
import type { AnomalyDocument, ItemForecastDocument, RoundRef } from '../insight-documents';
import { consortiumPrices, consortiumSeries, forecastItem } from '../insights.util';
import { ResultRepository } from '../repositories/result.repository';
import { ConsortiumBundlesReader } from './consortium-bundles.reader';

const CONSORTIUM = { scope: 'consortium' as const };

/**
 * Consortium insights on the hub, from what rounds published (noisy sums over stores):
 * bundles, forecasts and anomalies of the demand series, and prices from price responses.
 * No single store's number is ever an input.
 */
@Injectable()
export class ConsortiumInsightsService {
  constructor(
    private readonly federation: FederationClient,
    private readonly bundles: ConsortiumBundlesReader,
    private readonly results: ResultRepository,
  ) {}

  async refresh(): Promise<string[]> {
    const bundles = await this.bundles.read();
    await this.results.save(CONSORTIUM, 'bundles', '', bundles, bundles.round?.roundId);

    const demand = await this.federation.listDemandSeries({});
    const demandRound = roundRef(demand.round);
    const period = isPeriod(demand.period) ? demand.period : 'week';
    const series = consortiumSeries(demand.points, period);
    const forecasts: ItemForecastDocument[] = [];
    const anomalies: AnomalyDocument = { round: demandRound, anomalies: [] };
    for (const item of series) {
      const forecast = forecastItem(item, period);
      if (forecast) forecasts.push(forecast);
      for (const a of detectAnomalies(item.series, period)) anomalies.anomalies.push({ sku: item.sku, period: a.period, quantity: a.quantity, expected: a.expected, kind: a.kind });
      // CPU-bound WebAssembly: let gRPC calls and events through between items.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.results.save(CONSORTIUM, 'forecasts', period, { period, round: demandRound, forecasts }, demandRound?.roundId);
    await this.results.save(CONSORTIUM, 'anomalies', '', anomalies, demandRound?.roundId);

    const prices = await this.federation.listPriceResponses({});
    const priceRound = roundRef(prices.round);
    await this.results.save(CONSORTIUM, 'prices', '', consortiumPrices(prices.items, priceRound), priceRound?.roundId);
    return ['bundles', 'forecasts', 'anomalies', 'prices'];
  }
}

function roundRef(round: { roundId: string; completedAt: string } | undefined): RoundRef | null {
  return round && round.roundId ? { roundId: round.roundId, completedAt: round.completedAt } : null;
}
