import { BadRequestException, ForbiddenException, Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { federationV1 } from '@tessera/proto';
import { callUnary } from '../clients/ingestion.client';
import { FEDERATION_CLIENT } from '../clients/store-node.clients';
import { Downstream } from '../clients/downstream';
import type { DemandSeriesQuery, EnrolStoreBody, GlobalPatternsQuery, PageQuery, StartRoundBody } from './federation.dto';
import { KIND_NAME, roundConfigOf, startRoundProblems } from './round-request.util';

const STATUS: Record<number, string> = {
  [federationV1.RoundStatus.ROUND_STATUS_PENDING]: 'pending',
  [federationV1.RoundStatus.ROUND_STATUS_PROPOSING]: 'proposing',
  [federationV1.RoundStatus.ROUND_STATUS_KEY_SETUP]: 'key_setup',
  [federationV1.RoundStatus.ROUND_STATUS_MEASURING]: 'measuring',
  [federationV1.RoundStatus.ROUND_STATUS_UNMASKING]: 'unmasking',
  [federationV1.RoundStatus.ROUND_STATUS_COMPLETED]: 'completed',
  [federationV1.RoundStatus.ROUND_STATUS_FAILED]: 'failed',
};

/** The kind-specific settings of a demand-series or price-response round, amounts in currency units. */
function statisticsConfigJson(c: federationV1.RoundConfig) {
  const kind = KIND_NAME[c.kind] ?? 'itemsets';
  if (kind === 'itemsets') return {};
  const catalogue = { skus: c.catalogue?.skus ?? [], topItems: c.catalogue?.topItems || undefined };
  if (kind === 'demand-series') {
    const d = c.demandBounds;
    return { catalogue, period: c.period, fromDate: c.fromDate || undefined, toDate: c.toDate || undefined, demandBounds: d ? { maxQuantityPerTransaction: d.maxQuantityPerTransaction, maxRevenuePerTransaction: d.maxRevenueCentsPerTransaction / 100 } : undefined };
  }
  const p = c.priceBounds;
  return {
    catalogue,
    priceBounds: p
      ? { minUnitPrice: p.minUnitPriceCents / 100, maxUnitPrice: p.maxUnitPriceCents / 100, maxQuantity: p.maxQuantity, referenceUnitPrices: p.referenceUnitPricesCents.length ? p.referenceUnitPricesCents.map((x) => x / 100) : undefined, priceBand: p.priceBand || undefined }
      : undefined,
  };
}

export function roundJson(round: federationV1.Round) {
  const c = round.config!;
  return {
    id: round.roundId,
    kind: KIND_NAME[c.kind] ?? 'itemsets',
    status: STATUS[round.status] ?? 'unknown',
    failureReason: round.failureReason || undefined,
    config: { minClients: c.minStores, privacyBudget: c.epsilon, delta: c.delta, kThreshold: c.kThreshold, minUtilityFraction: c.minUtilityFraction, maxPatternLength: c.maxPatternLength, topM: c.topM, roundTimeout: c.stageTimeoutSeconds, storeIds: c.storeIds, ...statisticsConfigJson(c) },
    participants: round.participants.map((p) => ({ storeId: p.storeId, state: p.state, reason: p.reason || undefined })),
    candidateCount: round.candidateCount,
    patternCount: round.patternCount,
    noise: { utilitySigma: round.utilitySigmaCents / 100, supportSigma: round.supportSigma },
    // Itemset rounds: the noisy transaction count of the contributing stores, with its noise σ.
    transactions: round.transactionCount ? { count: round.transactionCount, sigma: round.transactionCountSigma } : undefined,
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
    const problems = startRoundProblems(body);
    if (problems.length) throw new BadRequestException(problems);
    let storeIds = body.storeIds ?? [];
    if (reachable) {
      const outside = storeIds.filter((s) => !reachable.includes(s));
      if (outside.length) throw new ForbiddenException(`you cannot include stores outside your region: ${outside.join(', ')}`);
      if (storeIds.length === 0) storeIds = reachable;
      if (storeIds.length === 0) throw new BadRequestException('your region has no stores');
    }
    const { round } = await this.downstream.run('federation', () =>
      callUnary(this.federation.startRound.bind(this.federation), { requestedBy, config: roundConfigOf(body, storeIds) }, requestId),
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
      // Supports of the parts of published 2-3 item bundles that are not patterns themselves.
      subsetSupports: response.subsetSupports.map((s) => ({ items: s.items, support: s.support, interval: [s.supportLow95, s.supportHigh95] })),
      roundInfo: response.round ? roundJson(response.round) : null,
    };
  }

  /** Noisy per-item, per-period demand of a demand-series round (the latest completed one when `roundId` is empty), revenue in currency units. */
  async demandSeries(roundId: string, query: DemandSeriesQuery, requestId?: string) {
    const skus = query.skus ? query.skus.split(',') : [];
    const response = await this.downstream.run('federation', () => callUnary(this.federation.listDemandSeries.bind(this.federation), { roundId, skus }, requestId));
    return {
      round: response.round ? roundJson(response.round) : null,
      period: response.period || null,
      series: response.points.map((p) => ({
        sku: p.sku,
        period: p.periodStart,
        quantity: p.quantity,
        revenue: p.revenueCents / 100,
        interval: { level: 0.95, quantity: [p.quantityLow95, p.quantityHigh95], revenue: [p.revenueLow95Cents / 100, p.revenueHigh95Cents / 100] },
        noise: { quantitySigma: p.quantitySigma, revenueSigma: p.revenueSigmaCents / 100 },
      })),
    };
  }

  /** Elasticities fitted from a price-response round's noisy statistics (the latest completed one when `roundId` is empty); null where the statistics support no fit. */
  async priceResponses(roundId: string, requestId?: string) {
    const response = await this.downstream.run('federation', () => callUnary(this.federation.listPriceResponses.bind(this.federation), { roundId }, requestId));
    const finite = (x: number) => (Number.isFinite(x) ? x : null);
    return {
      round: response.round ? roundJson(response.round) : null,
      elasticities: response.items.map((i) => ({ sku: i.sku, elasticity: finite(i.elasticity), stdError: finite(i.stdError), interval: { level: 0.95, low: finite(i.low95), high: finite(i.high95) }, observations: i.observations })),
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
