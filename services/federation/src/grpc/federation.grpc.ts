import * as grpc from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, GrpcStreamCall } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { GrpcError } from '@tessera/common';
import { SERVICE_CONFIG } from '@tessera/nest-core';
import { federationV1 } from '@tessera/proto';
import { FederationRepository, type GlobalPatternRow, type ParticipantRow, type RoundKind, type RoundRow, type RoundSettings, type StatisticsSettings } from '../repositories/federation.repository';
import { RoundConfigError, RoundOrchestrator } from '../rounds/round-orchestrator';
import { NodeRegistry, certificateStoreOf } from '../rounds/node-registry';
import type { FederationConfig } from '../federation.config';
import { defaultDemandClip } from '@tessera/federated';
import { DEFAULT_STATISTICS_BOUNDS } from '../rounds/statistics-settings';
import { roundMessage } from './round-message';
import { PublishedStatistics } from '../rounds/published-statistics.service';

export { roundMessage } from './round-message';

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
      // The per-cell clip's best value depends on the noise, hence on ε (libs/federated defaultDemandClip).
      maxQuantityPerTransaction: c.demandBounds?.maxQuantityPerTransaction || defaultDemandClip(c.epsilon),
      maxRevenueCentsPerTransaction: c.demandBounds?.maxRevenueCentsPerTransaction || DEFAULT_STATISTICS_BOUNDS.demand.maxRevenueCentsPerTransaction,
    },
    priceBounds: {
      minUnitPriceCents: c.priceBounds?.minUnitPriceCents || DEFAULT_STATISTICS_BOUNDS.price.minUnitPriceCents,
      maxUnitPriceCents: c.priceBounds?.maxUnitPriceCents || DEFAULT_STATISTICS_BOUNDS.price.maxUnitPriceCents,
      maxQuantity: c.priceBounds?.maxQuantity || DEFAULT_STATISTICS_BOUNDS.price.maxQuantity,
      ...(c.priceBounds?.referenceUnitPricesCents?.length ? { referenceUnitPricesCents: c.priceBounds.referenceUnitPricesCents, priceBand: c.priceBounds.priceBand || 2 } : {}),
    },
  };
}

function roundIdOf(roundId: string) {
  if (!UUID.test(roundId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `roundId ${JSON.stringify(roundId)} is not a round id`);
  return roundId;
}

/** A completed round's published global patterns (the latest round when none is named): the coordinator's and the nodes' view alike. */
async function publishedPatterns(repository: FederationRepository, request: { roundId: string; limit: number; offset: number }): Promise<federationV1.ListGlobalPatternsResponse> {
  const roundId = request.roundId ? roundIdOf(request.roundId) : await repository.latestCompletedRoundId();
  if (!roundId) return { round: undefined, patterns: [], total: '0', subsetSupports: [] };
  const found = await repository.findRound(roundId);
  if (!found) throw new GrpcError(grpc.status.NOT_FOUND, `no round ${roundId}`);
  const { patterns, total } = await repository.patterns(roundId, request.limit > 0 ? Math.min(request.limit, 5000) : 100, Math.max(0, request.offset));
  const subsetSupports = await repository.subsetSupports(roundId);
  return { round: roundMessage(found.round, found.participants), patterns: patterns.map(patternMessage), total: String(total), subsetSupports };
}

/** The coordinator API (FederationService), reached only by the gateway. */
@Controller()
export class FederationGrpcController {
  constructor(
    private readonly repository: FederationRepository,
    private readonly orchestrator: RoundOrchestrator,
    private readonly registry: NodeRegistry,
    private readonly statistics: PublishedStatistics,
    @Inject(SERVICE_CONFIG) private readonly config: FederationConfig,
  ) {}

  private async found(roundId: string) {
    const round = await this.repository.findRound(roundIdOf(roundId));
    if (!round) throw new GrpcError(grpc.status.NOT_FOUND, `no round ${roundId}`);
    return round;
  }

  @GrpcMethod('FederationService', 'EnrolStore')
  async enrolStore(request: federationV1.EnrolStoreRequest): Promise<federationV1.EnrolStoreResponse> {
    if (!STORE_ID.test(request.storeId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `storeId ${JSON.stringify(request.storeId)} is not a valid store id`);
    if (request.identityPublicKey.length !== 32) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'identityPublicKey must be a raw 32-byte Ed25519 public key');
    const row = await this.repository.enrol(request.storeId, Buffer.from(request.identityPublicKey));
    return { store: { storeId: row.store_id, identityPublicKey: row.identity_public_key, connected: this.registry.isConnected(row.store_id), enrolledAt: new Date(row.enrolled_at).toISOString() } };
  }

  @GrpcMethod('FederationService', 'ListStores')
  async listStores(): Promise<federationV1.ListStoresResponse> {
    return {
      stores: (await this.repository.stores()).map((row) => ({ storeId: row.store_id, identityPublicKey: row.identity_public_key, connected: this.registry.isConnected(row.store_id), enrolledAt: new Date(row.enrolled_at).toISOString() })),
    };
  }

  @GrpcMethod('FederationService', 'StartRound')
  async startRound(request: federationV1.StartRoundRequest): Promise<federationV1.StartRoundResponse> {
    try {
      const round = await this.orchestrator.start(settingsFrom(request.config, this.config.DEFAULT_STAGE_TIMEOUT_SECONDS), request.requestedBy || 'unknown');
      return { round: roundMessage(round, []) };
    } catch (error) {
      if (error instanceof RoundConfigError) throw new GrpcError(grpc.status.INVALID_ARGUMENT, error.message);
      throw error;
    }
  }

  @GrpcMethod('FederationService', 'GetRound')
  async getRound(request: federationV1.GetRoundRequest): Promise<federationV1.GetRoundResponse> {
    const { round, participants } = await this.found(request.roundId);
    return { round: roundMessage(round, participants) };
  }

  @GrpcMethod('FederationService', 'ListRounds')
  async listRounds(request: federationV1.ListRoundsRequest): Promise<federationV1.ListRoundsResponse> {
    const { rounds, total } = await this.repository.listRounds(request.limit > 0 ? Math.min(request.limit, 200) : 50, Math.max(0, request.offset));
    const participants = await this.repository.participants(rounds.map((r) => r.round_id));
    return { rounds: rounds.map((r) => roundMessage(r, participants.get(r.round_id) ?? [])), total: String(total) };
  }

  @GrpcMethod('FederationService', 'ListGlobalPatterns')
  listGlobalPatterns(request: federationV1.ListGlobalPatternsRequest): Promise<federationV1.ListGlobalPatternsResponse> {
    return publishedPatterns(this.repository, request);
  }

  @GrpcMethod('FederationService', 'ListDemandSeries')
  listDemandSeries(request: federationV1.ListDemandSeriesRequest): Promise<federationV1.ListDemandSeriesResponse> {
    return this.statistics.listDemandSeries(request);
  }

  @GrpcMethod('FederationService', 'ListPriceResponses')
  listPriceResponses(request: federationV1.ListPriceResponsesRequest): Promise<federationV1.ListPriceResponsesResponse> {
    return this.statistics.listPriceResponses(request);
  }

  /** Server stream of round changes; Nest stops listening (unsubscribes) when the caller cancels. */
  @GrpcMethod('FederationService', 'WatchRounds')
  watchRounds(request: federationV1.WatchRoundsRequest): Observable<federationV1.WatchRoundsResponse> {
    return new Observable<federationV1.WatchRoundsResponse>((subscriber) => {
      const listener = (found: { round: RoundRow; participants: ParticipantRow[] }, message: string) => {
        if (request.roundId && request.roundId !== found.round.round_id) return;
        subscriber.next({ round: roundMessage(found.round, found.participants), message });
      };
      this.orchestrator.on('round', listener);
      return () => this.orchestrator.off('round', listener);
    });
  }
}

/** The endpoint store nodes dial into (FederationNodeService), on a port of its own. */
@Controller()
export class FederationNodeGrpcController {
  constructor(
    private readonly registry: NodeRegistry,
    private readonly repository: FederationRepository,
    @Inject(SERVICE_CONFIG) private readonly config: FederationConfig,
  ) {}

  /** Published results only; under mTLS the caller must hold a consortium certificate that names a store. */
  @GrpcMethod('FederationNodeService', 'ListPublishedPatterns')
  async listPublishedPatterns(request: federationV1.ListPublishedPatternsRequest, _metadata: grpc.Metadata, call: grpc.ServerUnaryCall<unknown, unknown>): Promise<federationV1.ListPublishedPatternsResponse> {
    if (this.config.NODE_TLS_MODE === 'mtls') {
      const found = certificateStoreOf(call);
      if ('reason' in found) throw new GrpcError(grpc.status.UNAUTHENTICATED, found.reason);
    }
    return publishedPatterns(this.repository, request);
  }

  /** Bidirectional: the registry authenticates the node and keeps the stream for rounds. */
  @GrpcStreamCall('FederationNodeService', 'Connect')
  connect(call: grpc.ServerDuplexStream<federationV1.ConnectRequest, federationV1.ConnectResponse>): void {
    this.registry.attach(call);
  }
}
