import { federationV1 } from '@tessera/proto';
import type { RoundKindName, StartRoundBody } from './federation.dto';

/** Fields that only some round kinds read: sending one to another kind is a mistake, not a no-op. */
const ITEMSET_FIELDS = ['kThreshold', 'minUtilityFraction', 'maxPatternLength', 'topM'] as const;
const STATISTICS_FIELDS = ['catalogue', 'period', 'fromDate', 'toDate', 'demandBounds', 'priceBounds'] as const;
const DEMAND_ONLY = ['period', 'fromDate', 'toDate', 'demandBounds'] as const;

export const KIND_ENUM: Record<RoundKindName, federationV1.RoundKind> = {
  itemsets: federationV1.RoundKind.ROUND_KIND_ITEMSETS,
  'demand-series': federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES,
  'price-response': federationV1.RoundKind.ROUND_KIND_PRICE_RESPONSE,
};

export const KIND_NAME: Record<number, RoundKindName> = {
  [federationV1.RoundKind.ROUND_KIND_UNSPECIFIED]: 'itemsets',
  [federationV1.RoundKind.ROUND_KIND_ITEMSETS]: 'itemsets',
  [federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES]: 'demand-series',
  [federationV1.RoundKind.ROUND_KIND_PRICE_RESPONSE]: 'price-response',
};

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * What is wrong with a start-round body across fields (the DTO checks each field alone), each
 * problem naming its field. Empty when the body is a valid round of its kind.
 */
export function startRoundProblems(body: StartRoundBody): string[] {
  const kind = body.kind ?? 'itemsets';
  const given = (field: keyof StartRoundBody) => body[field] !== undefined;
  const problems: string[] = [];
  if (kind === 'itemsets') {
    for (const field of STATISTICS_FIELDS) if (given(field)) problems.push(`${field} applies to demand-series and price-response rounds only, not to an itemsets round`);
    return problems;
  }
  for (const field of ITEMSET_FIELDS) if (given(field)) problems.push(`${field} applies to itemsets rounds only, not to a ${kind} round`);
  const catalogue = body.catalogue;
  if (!catalogue) problems.push(`catalogue is required for a ${kind} round: give catalogue.skus (a list) or catalogue.topItems (top N items of the latest itemset round)`);
  else if (catalogue.skus && catalogue.topItems !== undefined) problems.push('catalogue takes either catalogue.skus or catalogue.topItems, not both');
  else if (!catalogue.skus && catalogue.topItems === undefined) problems.push('catalogue needs catalogue.skus or catalogue.topItems');
  else if (catalogue.skus && new Set(catalogue.skus).size !== catalogue.skus.length) problems.push('catalogue.skus must not repeat a SKU');
  if (kind === 'demand-series') {
    if (given('priceBounds')) problems.push('priceBounds applies to price-response rounds only, not to a demand-series round');
    for (const field of ['fromDate', 'toDate'] as const) {
      const value = body[field];
      if (value !== undefined && !isCalendarDate(value)) problems.push(`${field} ${value} is not a calendar date`);
    }
    if (body.fromDate && body.toDate && isCalendarDate(body.fromDate) && isCalendarDate(body.toDate) && body.fromDate > body.toDate) problems.push(`fromDate ${body.fromDate} is after toDate ${body.toDate}`);
    return problems;
  }
  for (const field of DEMAND_ONLY) if (given(field)) problems.push(`${field} applies to demand-series rounds only, not to a price-response round`);
  const bounds = body.priceBounds;
  if (bounds) {
    if (bounds.minUnitPrice !== undefined && bounds.maxUnitPrice !== undefined && !(bounds.minUnitPrice < bounds.maxUnitPrice)) problems.push('priceBounds.minUnitPrice must be below priceBounds.maxUnitPrice');
    if (bounds.referenceUnitPrices) {
      if (!catalogue?.skus) problems.push('priceBounds.referenceUnitPrices needs catalogue.skus (one reference price per SKU, in order)');
      else if (bounds.referenceUnitPrices.length !== catalogue.skus.length) problems.push(`priceBounds.referenceUnitPrices has ${bounds.referenceUnitPrices.length} prices for ${catalogue.skus.length} catalogue.skus; give one per SKU, in order`);
    } else if (bounds.priceBand !== undefined) problems.push('priceBounds.priceBand applies only with priceBounds.referenceUnitPrices');
  }
  return problems;
}

const cents = (units: number | undefined) => (units === undefined ? 0 : Math.round(units * 100 * 1e6) / 1e6);

/**
 * The gRPC round configuration of a valid body (startRoundProblems empty). Amounts arrive in
 * currency units and travel in cents; a zero leaves the hub's public default in place.
 */
export function roundConfigOf(body: StartRoundBody, storeIds: string[]): federationV1.RoundConfig {
  const kind = body.kind ?? 'itemsets';
  const common = {
    minStores: body.minClients,
    epsilon: body.privacyBudget,
    delta: 1e-5,
    stageTimeoutSeconds: body.roundTimeout ?? 60,
    storeIds,
    kind: KIND_ENUM[kind],
  };
  if (kind === 'itemsets') {
    return federationV1.RoundConfig.fromPartial({
      ...common,
      kThreshold: body.kThreshold ?? Math.min(5, body.minClients),
      minUtilityFraction: body.minUtilityFraction ?? 0,
      maxPatternLength: body.maxPatternLength ?? 4,
      topM: body.topM ?? 200,
    });
  }
  const catalogue = { skus: body.catalogue?.skus ?? [], topItems: body.catalogue?.topItems ?? 0 };
  if (kind === 'demand-series') {
    return federationV1.RoundConfig.fromPartial({
      ...common,
      kThreshold: Math.min(5, body.minClients),
      catalogue,
      period: body.period ?? 'week',
      fromDate: body.fromDate ?? '',
      toDate: body.toDate ?? '',
      demandBounds: { maxQuantityPerTransaction: body.demandBounds?.maxQuantityPerTransaction ?? 0, maxRevenueCentsPerTransaction: cents(body.demandBounds?.maxRevenuePerTransaction) },
    });
  }
  const bounds = body.priceBounds;
  return federationV1.RoundConfig.fromPartial({
    ...common,
    kThreshold: Math.min(5, body.minClients),
    catalogue,
    priceBounds: {
      minUnitPriceCents: cents(bounds?.minUnitPrice),
      maxUnitPriceCents: cents(bounds?.maxUnitPrice),
      maxQuantity: bounds?.maxQuantity ?? 0,
      referenceUnitPricesCents: (bounds?.referenceUnitPrices ?? []).map((p) => cents(p)),
      priceBand: bounds?.priceBand ?? 0,
    },
  });
}
