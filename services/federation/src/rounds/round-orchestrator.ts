import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { BelowThresholdError, SecAggServer, decodeMessage, encodeMessage, isSecAggError, type ClientMessage } from '@tessera/secagg';
import type { Bus } from '@tessera/bus';
import type { Logger, ServiceMetrics } from '@tessera/common';
import type { federationV1 } from '@tessera/proto';
import { FederationRepository, kindOf, type RoundRow, type RoundSettings, type RoundStatus } from '../repositories/federation.repository';
import { resolveStatisticsSettings, statisticsProblems } from './statistics-settings';
import { planStatisticsRound, statisticsRelease, type StatisticsPlan } from './statistics-round';
import { Mailbox } from './mailbox';
import type { NodeRegistry } from './node-registry';
import { decodeAggregate, decodeCalibration, fromWord, minimumK, planCalibration, planRound, ProposalSketchSession, roundConfig, type CandidateSelection } from '@tessera/federated';
import { epsilonToRho } from '@tessera/privacy';
import type { GlobalPatternRecord } from '../repositories/federation.repository';

/** A round that cannot go on, with the reason a coordinator reads. */
export class RoundFailure extends Error {}
export class RoundConfigError extends Error {}

/** Largest release (JSON characters) carried inside a federation.rounds.v1 event. */
const MAX_EVENT_RELEASE_BYTES = 800_000;
const SECAGG_STATUS: Record<number, RoundStatus> = { 1: 'key_setup', 2: 'measuring', 3: 'measuring', 4: 'unmasking' };

/** Fewest survivors a round accepts: its minimum, and at least 70% of its participants (30% dropout tolerated). */
export function survivorThreshold(participants: number, minStores: number): number {
  return Math.min(participants, Math.max(minStores, Math.ceil(participants * 0.7)));
}

export function validateRoundSettings(settings: RoundSettings): void {
  const problems: string[] = [];
  if (!Number.isInteger(settings.minStores) || settings.minStores < 2 || settings.minStores > 1000) problems.push('minStores must be an integer from 2 to 1000');
  if (!(settings.epsilon > 0 && settings.epsilon <= 20)) problems.push('epsilon must be in (0, 20]');
  if (!(settings.delta > 0 && settings.delta < 1e-3)) problems.push('delta must be in (0, 0.001)');
  if (!Number.isInteger(settings.kThreshold) || settings.kThreshold < Math.min(5, settings.minStores)) problems.push(`kThreshold must be an integer >= min(5, minStores) = ${Math.min(5, settings.minStores)}`);
  if (!(settings.minUtilityFraction >= 0 && settings.minUtilityFraction < 1)) problems.push('minUtilityFraction must be in [0, 1)');
  if (!Number.isInteger(settings.maxPatternLength) || settings.maxPatternLength < 1 || settings.maxPatternLength > 20) problems.push('maxPatternLength must be from 1 to 20');
  if (!Number.isInteger(settings.topM) || settings.topM < 1 || settings.topM > 10000) problems.push('topM must be from 1 to 10000');
  if (!Number.isInteger(settings.stageTimeoutSeconds) || settings.stageTimeoutSeconds < 1 || settings.stageTimeoutSeconds > 3600) problems.push('stageTimeoutSeconds must be from 1 to 3600');
  problems.push(...statisticsProblems(settings));
  if (problems.length) throw new RoundConfigError(problems.join('; '));
}

/**
 * Runs federated rounds (DESIGN "Data flow of one federated round"): invitations and join
 * decisions, candidate proposals with the k-store threshold, then secure aggregation of
 * the stores' noisy, clipped measurements, and publication of the global patterns. Key
 * setup follows proposal here, because the masked vectors' length is the candidate count.
 * The hub only ever handles itemset lists, masked vectors and the noisy sum.
 */
export class RoundOrchestrator extends EventEmitter {
  private readonly mailboxes = new Map<string, Mailbox>();
  /** Secure aggregations in progress, by aggregation id (round id / phase). */
  private readonly secagg = new Map<string, { server: SecAggServer; roundId: string }>();
  private readonly rounds;

  constructor(
    private readonly repository: FederationRepository,
    private readonly registry: NodeRegistry,
    private readonly bus: Bus | undefined,
    private readonly logger: Logger,
    metrics: ServiceMetrics,
    private readonly topic: string,
  ) {
    super();
    this.rounds = metrics.counter('federation_rounds_total', 'Finished rounds, by outcome', ['outcome'] as const);
    registry.on('message', (storeId: string, request: federationV1.ConnectRequest) => this.route(storeId, request));
    registry.on('disconnected', (storeId: string) => {
      for (const mailbox of this.mailboxes.values()) mailbox.disconnect(storeId);
    });
  }

  async start(requested: RoundSettings, requestedBy: string): Promise<RoundRow> {
    validateRoundSettings(requested);
    const resolved = await resolveStatisticsSettings(requested, new Date(), async (n) => {
      const latest = await this.repository.latestCompletedRoundId('itemsets');
      return latest ? this.repository.topItems(latest, n) : undefined;
    });
    if (resolved.problems.length) throw new RoundConfigError(resolved.problems.join('; '));
    const settings = resolved.settings;
    const round = await this.repository.createRound(randomUUID(), settings, requestedBy);
    this.mailboxes.set(round.round_id, new Mailbox());
    void this.run(round.round_id, settings);
    return round;
  }

  isRunning(roundId: string): boolean {
    return this.mailboxes.has(roundId);
  }

  private route(storeId: string, request: federationV1.ConnectRequest) {
    const body = request.body;
    if (!body || body.$case === 'hello') return;
    const roundId = body.value.roundId;
    const mailbox = this.mailboxes.get(roundId);
    if (!mailbox) return;
    if (body.$case === 'join') mailbox.deliver(storeId, 'join', body.value);
    else if (body.$case === 'proposal') mailbox.deliver(storeId, 'proposal', body.value.itemsets.map((i) => i.items));
    else if (body.$case === 'failure') {
      this.logger.warn({ roundId, storeId, reason: body.value.reason }, 'store node left the round');
      mailbox.disconnect(storeId);
    } else if (body.$case === 'secagg') {
      const aggregation = this.secagg.get(body.value.aggregationId);
      if (!aggregation || aggregation.roundId !== roundId) return;
      try {
        const message = decodeMessage(body.value.message) as ClientMessage;
        if ((message as { from?: string }).from !== storeId) throw new Error(`a message from ${storeId}'s stream claims to be from ${(message as { from?: string }).from}`);
        aggregation.server.receive(message);
        mailbox.deliver(storeId, `secagg:${body.value.aggregationId}`, true);
      } catch (error) {
        this.logger.warn({ roundId, storeId, reason: isSecAggError(error) ? error.code : (error as Error).message }, 'secure-aggregation message rejected');
      }
    }
  }

  private async status(roundId: string, status: RoundStatus, message: string, extra: Parameters<FederationRepository['setStatus']>[2] = {}) {
    await this.repository.setStatus(roundId, status, extra);
    await this.announce(roundId, message);
  }

  /**
   * Progress to watchers and to federation.rounds.v1. A completed statistics round's event
   * carries what it published (noisy aggregates only), so consumers need not call back.
   */
  private async announce(roundId: string, message: string, published?: Record<string, unknown>) {
    const found = await this.repository.findRound(roundId);
    if (!found) return;
    this.emit('round', found, message);
    if (this.bus) {
      const event = Buffer.from(JSON.stringify({ roundId, kind: kindOf(found.round.config), status: found.round.status, message, at: new Date().toISOString(), ...published }));
      await this.bus.publish(this.topic, [{ key: roundId, value: event, headers: { 'content-type': 'application/json', 'message-type': 'tessera.federation.v1.RoundProgressed' } }]).catch((error) => this.logger.warn({ err: error }, 'could not publish federation.rounds.v1 event'));
    }
  }

  private broadcast(storeIds: Iterable<string>, message: federationV1.ConnectResponse) {
    for (const storeId of storeIds) this.registry.send(storeId, message);
  }

  private async run(roundId: string, settings: RoundSettings): Promise<void> {
    const mailbox = this.mailboxes.get(roundId)!;
    const timeoutMs = settings.stageTimeoutSeconds * 1000;
    let participants: string[] = [];
    try {
      const candidatesToInvite = settings.storeIds.length ? settings.storeIds : this.registry.connected();
      const invited = candidatesToInvite.filter((storeId) => this.registry.isConnected(storeId));
      for (const storeId of candidatesToInvite) if (!invited.includes(storeId)) await this.repository.setParticipant(roundId, storeId, 'dropped', 'not connected when the round started');
      if (invited.length < settings.minStores) throw new RoundFailure(`only ${invited.length} store node(s) are connected; the round needs at least ${settings.minStores}`);
      for (const storeId of invited) await this.repository.setParticipant(roundId, storeId, 'invited');
      await this.announce(roundId, `invited ${invited.length} stores`);

      // 1-2. Invitations: each store's privacy service checks its own budget.
      const rho = epsilonToRho(settings.epsilon, settings.delta);
      this.broadcast(invited, { body: { $case: 'invitation', value: { roundId, epsilon: settings.epsilon, delta: settings.delta, rho, kThreshold: settings.kThreshold, minStores: settings.minStores, roundKind: kindOf(settings) } } });
      const decisions = await mailbox.expect<federationV1.JoinDecision>('join', invited, timeoutMs);
      const joined: string[] = [];
      const declined: string[] = [];
      for (const storeId of invited) {
        const decision = decisions.get(storeId);
        if (decision?.joined) joined.push(storeId);
        else if (decision) {
          declined.push(`${storeId} (${decision.reason})`);
          await this.repository.setParticipant(roundId, storeId, 'declined', decision.reason);
        } else await this.repository.setParticipant(roundId, storeId, 'dropped', 'did not answer the invitation in time');
      }
      for (const storeId of joined) await this.repository.setParticipant(roundId, storeId, 'joined');
      if (joined.length < settings.minStores) throw new RoundFailure(`only ${joined.length} store(s) joined; the round needs at least ${settings.minStores}${declined.length ? `; declined: ${declined.join(', ')}` : ''}`);

      if (kindOf(settings) !== 'itemsets') {
        participants = [...joined].sort();
        await this.runStatistics(roundId, mailbox, settings, participants, timeoutMs);
        return;
      }

      // 4. Candidate proposal: itemsets only, no numbers.
      await this.status(roundId, 'proposing', `${joined.length} stores joined; asking for candidates`);
      this.broadcast(joined, { body: { $case: 'proposalRequest', value: { roundId, topM: settings.topM, maxPatternLength: settings.maxPatternLength, minSupport: 2 } } });
      // Each store acknowledges that it holds its proposals (the itemsets stay on the node).
      const proposals = await mailbox.expect<string[][]>('proposal', joined, timeoutMs);
      participants = joined.filter((storeId) => proposals.has(storeId)).sort();
      for (const storeId of joined) {
        if (proposals.has(storeId)) await this.repository.setParticipant(roundId, storeId, 'proposed');
        else await this.repository.setParticipant(roundId, storeId, 'dropped', 'sent no proposal in time');
      }
      if (participants.length < settings.minStores) throw new RoundFailure(`only ${participants.length} store(s) proposed candidates; the round needs at least ${settings.minStores}`);
      const threshold = survivorThreshold(participants.length, settings.minStores);
      let config;
      try {
        config = roundConfig({ minStores: threshold, epsilon: settings.epsilon, delta: settings.delta, k: settings.kThreshold, minUtilityFraction: settings.minUtilityFraction, maxLength: settings.maxPatternLength, topM: settings.topM });
      } catch (error) {
        throw new RoundFailure(`the round's settings were refused: ${(error as Error).message}`);
      }
      // The stores' lists never reach the hub: only the sums of the proposal sketch do.
      if (settings.kThreshold < minimumK(participants.length)) throw new RoundFailure(`kThreshold ${settings.kThreshold} is below the k-anonymity floor min(5, stores) = ${minimumK(participants.length)} for ${participants.length} proposing stores`);
      const selection = await this.sketchProposals(roundId, mailbox, participants, settings, threshold, timeoutMs);
      if (selection.itemsets.length === 0) {
        await this.repository.complete(roundId, []);
        await this.announce(roundId, `no itemset was proposed by ${settings.kThreshold} or more stores; nothing to measure`);
        this.broadcast(participants, { body: { $case: 'outcome', value: { roundId, completed: true, reason: 'no candidate reached the k-store threshold', patternCount: 0 } } });
        this.rounds.inc({ outcome: 'completed' });
        return;
      }

      // 3 + 5a. Key setup and a private calibration of the clipping bounds (a small share of the budget).
      const calibrationPlan = planCalibration(config, { participants: participants.length, candidates: selection, roundId });
      await this.status(roundId, 'key_setup', `${selection.itemsets.length} candidates reached the ${settings.kThreshold}-store threshold; calibrating clipping bounds`, { candidateCount: selection.itemsets.length });
      const calibrated = await this.aggregate(roundId, mailbox, 'calibration', JSON.stringify(calibrationPlan), calibrationPlan.layout.length, participants, threshold, timeoutMs);
      const calibration = decodeCalibration(calibrated.sum, calibrationPlan, calibrated.contributors.length);

      // 5b-6. Measurement and unmasking among the stores still there.
      const measuring = [...calibrated.contributors].sort();
      const plan = planRound(config, { participants: measuring.length, candidates: selection, clip: calibration.clip, calibration: calibrationPlan, roundId });
      await this.status(roundId, 'measuring', `measuring ${selection.itemsets.length} candidates across ${measuring.length} stores`);
      const measured = await this.aggregate(roundId, mailbox, 'measurement', JSON.stringify(plan), plan.layout.length, measuring, threshold, timeoutMs);

      // 7. Publication: only the noisy sum of the survivors.
      const contributors = new Set(measured.contributors);
      for (const storeId of participants) {
        if (contributors.has(storeId)) await this.repository.setParticipant(roundId, storeId, 'contributed');
        else await this.repository.setParticipant(roundId, storeId, 'dropped', 'left during secure aggregation');
      }
      const release = decodeAggregate(measured.sum, plan, contributors.size);
      const patterns: GlobalPatternRecord[] = release.patterns.map((p) => ({
        items: p.items,
        aggregatedUtilityCents: p.utility,
        globalSupport: p.support,
        contributingStores: p.contributingStores,
        // Share of the round's participating stores that hold the itemset among their top
        // itemsets (proposed it); support / transactions is globalSupport's business.
        coverage: p.proposingStores / participants.length,
        intervalLowCents: p.utilityInterval.low,
        intervalHighCents: p.utilityInterval.high,
      }));
      // The transaction count and the supports of the bundles' parts come out of the same noisy
      // sum, so bundles' support, confidence and lift cost nothing more (post-processing).
      const subsetSupports = release.subsetSupports.map((s) => ({ items: s.items, support: s.support, supportLow95: s.supportInterval.low, supportHigh95: s.supportInterval.high }));
      await this.repository.complete(
        roundId,
        patterns,
        { utilitySigma: release.noise.utilityStd, supportSigma: release.noise.supportStd, transactionCount: release.totals.transactions, transactionCountSigma: release.noise.transactionsStd },
        subsetSupports,
      );
      await this.announce(roundId, `completed with ${contributors.size} contributing stores and ${patterns.length} global patterns`);
      this.broadcast(participants, { body: { $case: 'outcome', value: { roundId, completed: true, reason: '', patternCount: patterns.length } } });
      this.rounds.inc({ outcome: 'completed' });
    } catch (error) {
      const reason =
        error instanceof RoundFailure
          ? error.message
          : error instanceof BelowThresholdError
            ? `too few stores remained: ${error.message}; no global patterns were published`
            : `internal error: ${(error as Error).message}`;
      if (!(error instanceof RoundFailure || error instanceof BelowThresholdError)) this.logger.error({ roundId, err: error }, 'round failed unexpectedly');
      await this.status(roundId, 'failed', reason, { failureReason: reason }).catch(() => undefined);
      this.broadcast(participants, { body: { $case: 'outcome', value: { roundId, completed: false, reason, patternCount: 0 } } });
      this.rounds.inc({ outcome: 'failed' });
    } finally {
      this.mailboxes.delete(roundId);
      for (const [id, aggregation] of this.secagg) if (aggregation.roundId === roundId) this.secagg.delete(id);
    }
  }

  /**
   * The candidates of an itemset round from the proposal sketch: secure aggregations of hashed
   * counts, purity checks and identities (libs/federated proposal-sketch.ts) until every
   * itemset at least k stores proposed is recovered, with its number of proposers. A store that
   * leaves during the sketch fails the round (the sums of one session must come from the same
   * stores).
   */
  private async sketchProposals(roundId: string, mailbox: Mailbox, stores: string[], settings: RoundSettings, threshold: number, timeoutMs: number): Promise<CandidateSelection> {
    const session = new ProposalSketchSession(roundId, settings.kThreshold, settings.maxPatternLength);
    let step = 0;
    for (let plan = session.next(); plan; plan = session.next(), step++) {
      const phase = plan.kind === 'tessera.federated.proposal-counts/v1' ? 'proposal-counts' : plan.kind === 'tessera.federated.proposal-purity/v1' ? 'proposal-purity' : 'proposal-identities';
      const result = await this.aggregate(roundId, mailbox, phase, JSON.stringify(plan), plan.length, stores, threshold, timeoutMs, `${phase}/${step}`);
      if (result.contributors.length !== stores.length) throw new RoundFailure(`${stores.length - result.contributors.length} store(s) left while the candidates were aggregated; nothing was measured; start a new round`);
      session.receive(Array.from(result.sum, fromWord));
    }
    if (session.unresolved) this.logger.warn({ roundId, unresolved: session.unresolved }, 'some hashed buckets stayed ambiguous; their itemsets are not candidates');
    return session.selection();
  }

  /**
   * A demand-series or price-response round after the joins: one secure aggregation of the
   * stores' clipped, noisy measurements of a public plan (no proposals, no calibration: the
   * catalogue and the clip bounds were fixed before the round), then publication.
   */
  private async runStatistics(roundId: string, mailbox: Mailbox, settings: RoundSettings, participants: string[], timeoutMs: number): Promise<void> {
    const threshold = survivorThreshold(participants.length, settings.minStores);
    let plan: StatisticsPlan;
    try {
      plan = planStatisticsRound(settings, roundId, participants.length, threshold);
    } catch (error) {
      throw new RoundFailure(`the round's settings were refused: ${(error as Error).message}`);
    }
    await this.status(roundId, 'measuring', `measuring ${kindOf(settings)} of ${settings.catalogue!.skus.length} items across ${participants.length} stores`, { candidateCount: settings.catalogue!.skus.length });
    const measured = await this.aggregate(roundId, mailbox, 'measurement', JSON.stringify(plan), plan.length, participants, threshold, timeoutMs);
    const contributors = new Set(measured.contributors);
    for (const storeId of participants) {
      if (contributors.has(storeId)) await this.repository.setParticipant(roundId, storeId, 'contributed');
      else await this.repository.setParticipant(roundId, storeId, 'dropped', 'left during secure aggregation');
    }
    const release = statisticsRelease(measured.sum, plan, contributors.size);
    let published: Record<string, unknown>;
    let count: number;
    if (release.kind === 'demand-series') {
      await this.repository.completeDemandSeries(roundId, release.points);
      published = { demandSeries: { period: release.period, points: release.points } };
      count = release.points.length;
    } else {
      await this.repository.completePriceResponses(roundId, release.items);
      published = { priceResponses: { items: release.items } };
      count = release.items.length;
    }
    // Kafka's default message limit is 1 MB: a bigger release is announced without its values
    // (consumers then read them with ListDemandSeries / ListPriceResponses).
    if (JSON.stringify(published).length > MAX_EVENT_RELEASE_BYTES) published = { releaseOmitted: { reason: 'too large for the event; read it from the coordinator API', values: count } };
    await this.announce(roundId, `completed with ${contributors.size} contributing stores: ${count} ${release.kind === 'demand-series' ? 'series points' : 'item elasticities'}`, published);
    this.broadcast(participants, { body: { $case: 'outcome', value: { roundId, completed: true, reason: '', patternCount: count } } });
    this.rounds.inc({ outcome: 'completed' });
  }

  /**
   * One secure aggregation of the given stores' vectors for a plan: the stores measure and
   * mask, the hub relays the protocol's messages stage by stage (a stage closes when every
   * expected store has answered, left, or the deadline passed) and learns only the sum.
   */
  private async aggregate(roundId: string, mailbox: Mailbox, phase: string, planJson: string, vectorLength: number, stores: string[], threshold: number, timeoutMs: number, aggregationKey = phase): Promise<{ sum: Uint32Array; contributors: string[] }> {
    const aggregationId = `${roundId}/${aggregationKey}`;
    const identityKeys = new Map<string, Uint8Array>();
    for (const storeId of stores) identityKeys.set(storeId, new Uint8Array((await this.repository.identityKey(storeId))!));
    const server = new SecAggServer({ roundId: aggregationId, identityKeys, participants: stores, threshold: Math.min(threshold, stores.length), vectorLength });
    this.secagg.set(aggregationId, { server, roundId });
    const request: federationV1.MeasurementRequest = {
      roundId,
      candidates: [],
      planJson,
      participants: stores,
      identityPublicKeys: stores.map((storeId) => Buffer.from(identityKeys.get(storeId)!)),
      threshold: Math.min(threshold, stores.length),
      vectorLength,
      phase,
      aggregationId,
    };
    this.broadcast(stores, { body: { $case: 'measurementRequest', value: request } });
    let awaiting = new Set(stores);
    for (;;) {
      await mailbox.expect(`secagg:${aggregationId}`, awaiting, timeoutMs);
      const step = server.closeStage();
      if (step.done) return { sum: step.result.sum, contributors: [...step.result.contributors] };
      if (phase === 'measurement' && SECAGG_STATUS[step.stage as number] === 'unmasking') await this.status(roundId, 'unmasking', `unmasking: ${step.messages.length} stores asked to reveal their shares`);
      awaiting = new Set(step.messages.map((m) => m.to));
      for (const message of step.messages) this.registry.send(message.to, { body: { $case: 'secagg', value: { roundId, aggregationId, message: Buffer.from(encodeMessage(message)) } } });
    }
  }
}
