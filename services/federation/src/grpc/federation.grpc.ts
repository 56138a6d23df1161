import * as grpc from '@grpc/grpc-js';
import { GrpcError, unary, type GrpcBinding } from '@tessera/common';
import { federationV1 } from '@tessera/proto';
import type { FederationRepository, GlobalPatternRow, ParticipantRow, RoundKind, RoundRow, RoundSettings, StatisticsSettings } from '../repositories/federation.repository';
import { DEFAULT_STATISTICS_BOUNDS } from '../rounds/statistics-settings';
import { roundMessage } from './round-message';
import type { PublishedStatistics } from '../rounds/published-statistics.service';

export { roundMessage } from './round-message';
import { RoundConfigError, type RoundOrchestrator } from '../rounds/round-orchestrator';
import type { NodeRegistry } from '../rounds/node-registry';

const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function patternMessage(row: GlobalPatternRow): federationV1.GlobalPattern {
  return {
    items: row.items,
    aggregatedUtilityCents: row.aggregated_utility_cents,
    globalSupport: row.global_support,
    contributingStores: row.contributing_stores,
    coverage: row.coverage,
    intervalLowCents: row.interval_low_cents,
    intervalHighCents: row.interval_high_cents,
    rank: row.rank,
  };
}

const KIND_OF: Partial<Record<federationV1.RoundKind, RoundKind>> = {
  [federationV1.RoundKind.ROUND_KIND_UNSPECIFIED]: 'itemsets',
  [federationV1.RoundKind.ROUND_KIND_ITEMSETS]: 'itemsets',
  [federationV1.RoundKind.ROUND_KIND_DEMAND_SERIES]: 'demand-series',
  [federationV1.RoundKind.ROUND_KIND_PRICE_RESPONSE]: 'price-response',
};

export function settingsFrom(config: federationV1.RoundConfig | undefined, defaultStageTimeout: number): RoundSettings {
  const c = config ?? ({} as federationV1.RoundConfig);
  const kind = KIND_OF[c.kind ?? federationV1.RoundKind.ROUND_KIND_UNSPECIFIED];
  if (!kind) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `config.kind ${String(c.kind)} is not a round kind`);
  const common: RoundSettings = {
    kind,
    minStores: c.minStores || 3,
    epsilon: c.epsilon || 1,
    delta: c.delta || 1e-5,
    kThreshold: c.kThreshold || Math.min(5, c.minStores || 3),
    minUtilityFraction: c.minUtilityFraction || 0,
    maxPatternLength: c.maxPatternLength || 4,
    topM: c.topM || 200,
    stageTimeoutSeconds: c.stageTimeoutSeconds || defaultStageTimeout,
    storeIds: c.storeIds ?? [],
  };
  if (kind === 'itemsets') return common;
  return { ...common, ...statisticsSettings(c) };
}

/** The demand-series and price-response settings, with defaults filled in (validated by the orchestrator). */
function statisticsSettings(c: federationV1.RoundConfig): StatisticsSettings {
  return {
    catalogue: { skus: c.catalogue?.skus ?? [], topItems: c.catalogue?.topItems || (c.catalogue?.skus?.length ? 0 : 20) },
    period: (c.period || 'week') as StatisticsSettings['period'],
    fromDate: c.fromDate ?? '',
    toDate: c.toDate ?? '',
    demandBounds: {
      maxQuantityPerTransaction: c.demandBounds?.maxQuantityPerTransaction || DEFAULT_STATISTICS_BOUNDS.demand.maxQuantityPerTransaction,
      maxRevenueCentsPerTransaction: c.demandBounds?.maxRevenueCentsPerTransaction || DEFAULT_STATISTICS_BOUNDS.demand.maxRevenueCentsPerTransaction,
    },
    priceBounds: {
      minUnitPriceCents: c.priceBounds?.minUnitPriceCents || DEFAULT_STATISTICS_BOUNDS.price.minUnitPriceCents,
      maxUnitPriceCents: c.priceBounds?.maxUnitPriceCents || DEFAULT_STATISTICS_BOUNDS.price.maxUnitPriceCents,
      maxQuantity: c.priceBounds?.maxQuantity || DEFAULT_STATISTICS_BOUNDS.price.maxQuantity,
    },
  };
}

function roundIdOf(roundId: string) {
  if (!UUID.test(roundId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `roundId ${JSON.stringify(roundId)} is not a round id`);
  return roundId;
}

export function federationGrpcBindings(repository: FederationRepository, orchestrator: RoundOrchestrator, registry: NodeRegistry, defaultStageTimeout: number, statistics: PublishedStatistics): { coordinator: GrpcBinding; nodes: GrpcBinding } {
  const found = async (roundId: string) => {
    const round = await repository.findRound(roundIdOf(roundId));
    if (!round) throw new GrpcError(grpc.status.NOT_FOUND, `no round ${roundId}`);
    return round;
  };
  const coordinator: federationV1.FederationServiceServer = {
    enrolStore: unary(async (request) => {
      if (!STORE_ID.test(request.storeId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `storeId ${JSON.stringify(request.storeId)} is not a valid store id`);
      if (request.identityPublicKey.length !== 32) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'identityPublicKey must be a raw 32-byte Ed25519 public key');
      const row = await repository.enrol(request.storeId, Buffer.from(request.identityPublicKey));
      return { store: { storeId: row.store_id, identityPublicKey: row.identity_public_key, connected: registry.isConnected(row.store_id), enrolledAt: new Date(row.enrolled_at).toISOString() } };
    }),
    listStores: unary(async () => ({
      stores: (await repository.stores()).map((row) => ({ storeId: row.store_id, identityPublicKey: row.identity_public_key, connected: registry.isConnected(row.store_id), enrolledAt: new Date(row.enrolled_at).toISOString() })),
    })),
    startRound: unary(async (request) => {
      try {
        const round = await orchestrator.start(settingsFrom(request.config, defaultStageTimeout), request.requestedBy || 'unknown');
        return { round: roundMessage(round, []) };
      } catch (error) {
        if (error instanceof RoundConfigError) throw new GrpcError(grpc.status.INVALID_ARGUMENT, error.message);
        throw error;
      }
    }),
    getRound: unary(async (request) => {
      const { round, participants } = await found(request.roundId);
      return { round: roundMessage(round, participants) };
    }),
    listRounds: unary(async (request) => {
      const { rounds, total } = await repository.listRounds(request.limit > 0 ? Math.min(request.limit, 200) : 50, Math.max(0, request.offset));
      const participants = await repository.participants(rounds.map((r) => r.round_id));
      return { rounds: rounds.map((r) => roundMessage(r, participants.get(r.round_id) ?? [])), total: String(total) };
    }),
    listGlobalPatterns: unary(async (request) => {
      const roundId = request.roundId || (await repository.latestCompletedRoundId());
      if (!roundId) return { round: undefined, patterns: [], total: '0' };
      const { round, participants } = await found(roundId);
      const { patterns, total } = await repository.patterns(roundId, request.limit > 0 ? Math.min(request.limit, 5000) : 100, Math.max(0, request.offset));
      return { round: roundMessage(round, participants), patterns: patterns.map(patternMessage), total: String(total) };
    }),
    listDemandSeries: unary((request) => statistics.listDemandSeries(request)),
    listPriceResponses: unary((request) => statistics.listPriceResponses(request)),
    watchRounds: (call) => {
      const listener = (found: { round: RoundRow; participants: ParticipantRow[] }, message: string) => {
        if (call.request.roundId && call.request.roundId !== found.round.round_id) return;
        call.write({ round: roundMessage(found.round, found.participants), message });
      };
      orchestrator.on('round', listener);
      const stop = () => orchestrator.off('round', listener);
      call.on('cancelled', stop);
      call.on('close', stop);
      call.on('error', stop);
    },
  };
  const nodes: federationV1.FederationNodeServiceServer = {
    connect: (call) => registry.attach(call),
  };
  return {
    coordinator: { definition: federationV1.FederationServiceService, implementation: coordinator },
    nodes: { definition: federationV1.FederationNodeServiceService, implementation: nodes },
  };
}
