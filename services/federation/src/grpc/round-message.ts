import { federationV1 } from '@tessera/proto';
import type { ParticipantRow, RoundKind, RoundRow } from '../repositories/federation.repository';

const STATUS: Record<RoundRow['status'], federationV1.RoundStatus> = {
  pending: federationV1.RoundStatus.ROUND_STATUS_PENDING,
  proposing: federationV1.RoundStatus.ROUND_STATUS_PROPOSING,
  key_setup: federationV1.RoundStatus.ROUND_STATUS_KEY_SETUP,
  measuring: federationV1.RoundStatus.ROUND_STATUS_MEASURING,
  unmasking: federationV1.RoundStatus.ROUND_STATUS_UNMASKING,
  completed: federationV1.RoundStatus.ROUND_STATUS_COMPLETED,
  failed: federationV1.RoundStatus.ROUND_STATUS_FAILED,
};

export const KIND: Record<RoundKind, federationV1.RoundKind> = {
  itemsets: federationV1.RoundKind.ROUND_KIND_ITEMSETS,
  'demand-series': federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES,
  'price-response': federationV1.RoundKind.ROUND_KIND_PRICE_RESPONSE,
};

export function roundMessage(round: RoundRow, participants: ParticipantRow[]): federationV1.Round {
  const c = round.config;
  const s = c.kind && c.kind !== 'itemsets' ? c : undefined;
  return {
    roundId: round.round_id,
    status: STATUS[round.status],
    config: { minStores: c.minStores, epsilon: c.epsilon, delta: c.delta, kThreshold: c.kThreshold, minUtilityFraction: c.minUtilityFraction, maxPatternLength: c.maxPatternLength, topM: c.topM, stageTimeoutSeconds: c.stageTimeoutSeconds, storeIds: c.storeIds,
      kind: KIND[c.kind ?? 'itemsets'],
      catalogue: s?.catalogue ? { skus: s.catalogue.skus, topItems: s.catalogue.topItems } : undefined,
      period: s?.period ?? '',
      fromDate: s?.fromDate ?? '',
      toDate: s?.toDate ?? '',
      demandBounds: s?.demandBounds,
      priceBounds: s?.priceBounds ? { ...s.priceBounds, referenceUnitPricesCents: s.priceBounds.referenceUnitPricesCents ?? [], priceBand: s.priceBounds.priceBand ?? 0 } : undefined,
    },
    failureReason: round.failure_reason ?? '',
    participants: participants.map((p) => ({ storeId: p.store_id, state: p.state, reason: p.reason ?? '' })),
    candidateCount: round.candidate_count,
    patternCount: round.pattern_count,
    utilitySigmaCents: round.utility_sigma_cents ?? 0,
    supportSigma: round.support_sigma ?? 0,
    transactionCount: round.transaction_count ?? 0,
    transactionCountSigma: round.transaction_count_sigma ?? 0,
    createdAt: new Date(round.created_at).toISOString(),
    updatedAt: new Date(round.updated_at).toISOString(),
    completedAt: round.completed_at ? new Date(round.completed_at).toISOString() : '',
  };
}

