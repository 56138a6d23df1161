import { BadRequestException, ForbiddenException, Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { federationV1 } from '@tessera/proto';
import { callUnary } from '../clients/ingestion.client';
import { FEDERATION_CLIENT } from '../clients/store-node.clients';
import { Downstream } from '../clients/downstream';
import type { EnrolStoreBody, GlobalPatternsQuery, PageQuery, StartRoundBody } from './federation.dto';

const STATUS: Record<number, string> = {
  [federationV1.RoundStatus.ROUND_STATUS_PENDING]: 'pending',
  [federationV1.RoundStatus.ROUND_STATUS_PROPOSING]: 'proposing',
  [federationV1.RoundStatus.ROUND_STATUS_KEY_SETUP]: 'key_setup',
  [federationV1.RoundStatus.ROUND_STATUS_MEASURING]: 'measuring',
  [federationV1.RoundStatus.ROUND_STATUS_UNMASKING]: 'unmasking',
  [federationV1.RoundStatus.ROUND_STATUS_COMPLETED]: 'completed',
  [federationV1.RoundStatus.ROUND_STATUS_FAILED]: 'failed',
};

export function roundJson(round: federationV1.Round) {
  const c = round.config!;
  return {
    id: round.roundId,
    status: STATUS[round.status] ?? 'unknown',
    failureReason: round.failureReason || undefined,
    config: { minClients: c.minStores, privacyBudget: c.epsilon, delta: c.delta, kThreshold: c.kThreshold, minUtilityFraction: c.minUtilityFraction, maxPatternLength: c.maxPatternLength, topM: c.topM, roundTimeout: c.stageTimeoutSeconds, storeIds: c.storeIds },
    participants: round.participants.map((p) => ({ storeId: p.storeId, state: p.state, reason: p.reason || undefined })),
    candidateCount: round.candidateCount,
    patternCount: round.patternCount,
    noise: { utilitySigma: round.utilitySigmaCents / 100, supportSigma: round.supportSigma },
    createdAt: round.createdAt,
    updatedAt: round.updatedAt,
    completedAt: round.completedAt || undefined,
  };
}

/** Coordinators' view of federated rounds: aggregates only, never one store's numbers. */
@Injectable()
export class FederationService implements BeforeApplicationShutdown {
  /** The open round feeds: each an active gRPC stream that keeps the process alive until cancelled. */
  private readonly feeds = new Set<() => void>();

  constructor(
    @Inject(FEDERATION_CLIENT) private readonly federation: federationV1.FederationServiceClient,
    private readonly downstream: Downstream,
  ) {}

  /** `reachable` is undefined for callers who reach every store (admins). */
  async start(body: StartRoundBody, reachable: string[] | undefined, requestedBy: string, requestId?: string) {
    let storeIds = body.storeIds ?? [];
    if (reachable) {
      const outside = storeIds.filter((s) => !reachable.includes(s));
      if (outside.length) throw new ForbiddenException(`you cannot include stores outside your region: ${outside.join(', ')}`);
      if (storeIds.length === 0) storeIds = reachable;
      if (storeIds.length === 0) throw new BadRequestException('your region has no stores');
    }
    const { round } = await this.downstream.run('federation', () =>
      callUnary(this.federation.startRound.bind(this.federation), {
        requestedBy,
        config: federationV1.RoundConfig.fromPartial({
          minStores: body.minClients,
          epsilon: body.privacyBudget,
          delta: 1e-5,
          kThreshold: body.kThreshold ?? Math.min(5, body.minClients),
          minUtilityFraction: body.minUtilityFraction ?? 0,
          maxPatternLength: body.maxPatternLength ?? 4,
          topM: body.topM ?? 200,
          stageTimeoutSeconds: body.roundTimeout ?? 60,
          storeIds,
        }),
      }, requestId),
    );
    return roundJson(round!);
  }

  async list(query: PageQuery, requestId?: string) {
    const response = await this.downstream.run('federation', () => callUnary(this.federation.listRounds.bind(this.federation), { limit: query.limit ?? 50, offset: query.offset ?? 0 }, requestId));
    return { rounds: response.rounds.map(roundJson), total: Number(response.total) };
  }

  async get(id: string, requestId?: string) {
    const { round } = await this.downstream.run('federation', () => callUnary(this.federation.getRound.bind(this.federation), { roundId: id }, requestId));
    return roundJson(round!);
  }

  /** The seed API's global patterns: aggregatedUtility, globalSupport, contributingStores, clientCoverage, roundInfo. */
  async globalPatterns(query: GlobalPatternsQuery, requestId?: string) {
    const response = await this.downstream.run('federation', () => callUnary(this.federation.listGlobalPatterns.bind(this.federation), { roundId: query.roundId ?? '', limit: query.limit ?? 100, offset: query.offset ?? 0 }, requestId));
    return {
      patterns: response.patterns.map((p) => ({
        rank: p.rank,
        items: p.items,
        aggregatedUtility: p.aggregatedUtilityCents / 100,
        globalSupport: p.globalSupport,
        contributingStores: p.contributingStores,
        clientCoverage: p.coverage,
        interval: [p.intervalLowCents / 100, p.intervalHighCents / 100],
      })),
      total: Number(response.total),
      roundInfo: response.round ? roundJson(response.round) : null,
    };
  }

  async enrol(body: EnrolStoreBody, requestId?: string) {
    const key = Buffer.from(body.identityPublicKey, 'base64');
    if (key.length !== 32) throw new BadRequestException('identityPublicKey must decode to 32 bytes (a raw Ed25519 public key)');
    const { store } = await this.downstream.run('federation', () => callUnary(this.federation.enrolStore.bind(this.federation), { storeId: body.storeId, identityPublicKey: key }, requestId));
    return { storeId: store!.storeId, connected: store!.connected, enrolledAt: store!.enrolledAt };
  }

  async stores(reachable: string[] | undefined, requestId?: string) {
    const { stores } = await this.downstream.run('federation', () => callUnary(this.federation.listStores.bind(this.federation), {}, requestId));
    return { stores: stores.filter((s) => !reachable || reachable.includes(s.storeId)).map((s) => ({ storeId: s.storeId, connected: s.connected, enrolledAt: s.enrolledAt })) };
  }

  /** Round progress as server-sent events; ends when the client goes away. */
  watch(onEvent: (event: { round: ReturnType<typeof roundJson>; message: string }) => void, onEnd: (error?: Error) => void): () => void {
    const stream = this.federation.watchRounds({ roundId: '' });
    stream.on('data', (response: federationV1.WatchRoundsResponse) => onEvent({ round: roundJson(response.round!), message: response.message }));
    stream.on('error', (error) => onEnd(error));
    stream.on('end', () => onEnd());
    const cancel = () => {
      this.feeds.delete(cancel);
      stream.cancel();
    };
    this.feeds.add(cancel);
    return cancel;
  }

  /**
   * A feed whose client is still connected at shutdown would hold the HTTP server open (Nest
   * waits for it to close) and its stream the federation channel: a SIGTERM then never ends
   * the process. Cancelling the feeds ends their responses first.
   */
  beforeApplicationShutdown() {
    for (const cancel of [...this.feeds]) cancel();
  }
}
