import { decodeDemandSeries, decodePriceResponse, planDemandSeries, planPriceResponse, type DemandSeriesPlan, type PriceResponsePlan, type Period } from '@tessera/federated';
import type { DemandSeriesPointRecord, ItemElasticityRecord, RoundSettings, StatisticsSettings } from '../repositories/federation.repository';

export type StatisticsPlan = DemandSeriesPlan | PriceResponsePlan;

/** The public plan of a demand-series or price-response round, for the stores that joined. */
export function planStatisticsRound(settings: RoundSettings, roundId: string, participants: number, minSurvivors: number): StatisticsPlan {
  const s = settings as RoundSettings & StatisticsSettings;
  const common = { roundId, skus: s.catalogue.skus, epsilon: s.epsilon, delta: s.delta, participants, minSurvivors };
  if (s.kind === 'demand-series') {
    return planDemandSeries({ ...common, period: s.period as Period, fromDate: s.fromDate, toDate: s.toDate, maxQuantityPerTransaction: s.demandBounds.maxQuantityPerTransaction, maxRevenueCentsPerTransaction: s.demandBounds.maxRevenueCentsPerTransaction });
  }
  const { minUnitPriceCents, maxUnitPriceCents, maxQuantity, referenceUnitPricesCents, priceBand } = s.priceBounds;
  return planPriceResponse({ ...common, minUnitPriceCents, maxUnitPriceCents, maxQuantity, referencePricesCents: referenceUnitPricesCents, priceBand });
}

export type StatisticsRelease = { kind: 'demand-series'; period: string; points: DemandSeriesPointRecord[] } | { kind: 'price-response'; items: ItemElasticityRecord[] };

/** What the round publishes from the survivors' noisy sum (post-processing only). */
export function statisticsRelease(sum: Uint32Array, plan: StatisticsPlan, survivors: number): StatisticsRelease {
  if (plan.kind === 'tessera.federated.demand-series-plan/v1') {
    const points = decodeDemandSeries(sum, plan, survivors).map((p) => ({
      sku: p.sku,
      periodStart: p.periodStart,
      quantity: p.quantity,
      revenueCents: p.revenueCents,
      quantitySigma: p.quantitySigma,
      revenueSigmaCents: p.revenueSigmaCents,
      quantityLow95: p.quantityInterval.low,
      quantityHigh95: p.quantityInterval.high,
      revenueLow95Cents: p.revenueIntervalCents.low,
      revenueHigh95Cents: p.revenueIntervalCents.high,
    }));
    return { kind: 'demand-series', period: plan.period, points };
  }
  const items = decodePriceResponse(sum, plan, survivors).map((fit) => ({ sku: fit.sku, elasticity: fit.elasticity, stdError: fit.stdError, low95: fit.interval?.low, high95: fit.interval?.high, observations: fit.observations }));
  return { kind: 'price-response', items };
}
