import * as grpc from '@grpc/grpc-js';
import { GrpcError, unary, type GrpcBinding } from '@tessera/common';
import { federationV1 } from '@tessera/proto';
import type { FederationRepository, GlobalPatternRow, ParticipantRow, RoundRow, RoundSettings } from '../repositories/federation.repository';
import { RoundConfigError, type RoundOrchestrator } from '../rounds/round-orchestrator';
import type { NodeRegistry } from '../rounds/node-registry';

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

export function federationGrpcBindings(repository: FederationRepository, orchestrator: RoundOrchestrator, registry: NodeRegistry, defaultStageTimeout: number): { coordinator: GrpcBinding; nodes: GrpcBinding } {
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
