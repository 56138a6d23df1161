import * as grpc from '@grpc/grpc-js';
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, GrpcStreamCall } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { GrpcError } from '@tessera/common';
import { SERVICE_CONFIG } from '@tessera/nest-core';
import { federationV1 } from '@tessera/proto';
import { FederationRepository, type GlobalPatternRow, type ParticipantRow, type RoundRow, type RoundSettings } from '../repositories/federation.repository';
import { RoundConfigError, RoundOrchestrator } from '../rounds/round-orchestrator';
import { NodeRegistry } from '../rounds/node-registry';
import type { FederationConfig } from '../federation.config';

const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUS: Record<RoundRow['status'], federationV1.RoundStatus> = {
  pending: federationV1.RoundStatus.ROUND_STATUS_PENDING,
  proposing: federationV1.RoundStatus.ROUND_STATUS_PROPOSING,
  key_setup: federationV1.RoundStatus.ROUND_STATUS_KEY_SETUP,
  measuring: federationV1.RoundStatus.ROUND_STATUS_MEASURING,
  unmasking: federationV1.RoundStatus.ROUND_STATUS_UNMASKING,
  completed: federationV1.RoundStatus.ROUND_STATUS_COMPLETED,
  failed: federationV1.RoundStatus.ROUND_STATUS_FAILED,
};

export function roundMessage(round: RoundRow, participants: ParticipantRow[]): federationV1.Round {
  const c = round.config;
  return {
    roundId: round.round_id,
    status: STATUS[round.status],
    config: { minStores: c.minStores, epsilon: c.epsilon, delta: c.delta, kThreshold: c.kThreshold, minUtilityFraction: c.minUtilityFraction, maxPatternLength: c.maxPatternLength, topM: c.topM, stageTimeoutSeconds: c.stageTimeoutSeconds, storeIds: c.storeIds },
    failureReason: round.failure_reason ?? '',
    participants: participants.map((p) => ({ storeId: p.store_id, state: p.state, reason: p.reason ?? '' })),
    candidateCount: round.candidate_count,
    patternCount: round.pattern_count,
    utilitySigmaCents: round.utility_sigma_cents ?? 0,
    supportSigma: round.support_sigma ?? 0,
    createdAt: new Date(round.created_at).toISOString(),
    updatedAt: new Date(round.updated_at).toISOString(),
    completedAt: round.completed_at ? new Date(round.completed_at).toISOString() : '',
  };
}

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

export function settingsFrom(config: federationV1.RoundConfig | undefined, defaultStageTimeout: number): RoundSettings {
  const c = config ?? ({} as federationV1.RoundConfig);
  return {
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
}

function roundIdOf(roundId: string) {
  if (!UUID.test(roundId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `roundId ${JSON.stringify(roundId)} is not a round id`);
  return roundId;
}

/** The coordinator API (FederationService), reached only by the gateway. */
@Controller()
export class FederationGrpcController {
  constructor(
    private readonly repository: FederationRepository,
    private readonly orchestrator: RoundOrchestrator,
    private readonly registry: NodeRegistry,
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
  async listGlobalPatterns(request: federationV1.ListGlobalPatternsRequest): Promise<federationV1.ListGlobalPatternsResponse> {
    const roundId = request.roundId || (await this.repository.latestCompletedRoundId());
    if (!roundId) return { round: undefined, patterns: [], total: '0' };
    const { round, participants } = await this.found(roundId);
    const { patterns, total } = await this.repository.patterns(roundId, request.limit > 0 ? Math.min(request.limit, 5000) : 100, Math.max(0, request.offset));
    return { round: roundMessage(round, participants), patterns: patterns.map(patternMessage), total: String(total) };
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
  constructor(private readonly registry: NodeRegistry) {}

  /** Bidirectional: the registry authenticates the node and keeps the stream for rounds. */
  @GrpcStreamCall('FederationNodeService', 'Connect')
  connect(call: grpc.ServerDuplexStream<federationV1.ConnectRequest, federationV1.ConnectResponse>): void {
    this.registry.attach(call);
  }
}
