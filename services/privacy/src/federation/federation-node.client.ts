import { sign } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { SecAggClient, decodeMessage, encodeMessage, type ServerMessage } from '@tessera/secagg';
import type { Logger } from '@tessera/common';
import { federationV1 } from '@tessera/proto';
import type { BudgetService } from '../budget.service';
import type { IdentityRepository, StoreIdentity } from '../repositories/identity.repository';
import { acceptPlan, isProposalPhase, phaseRho, releasedDescription, type MiningContributionSource, type Phase } from './mining-contribution.source';
import type { ProposalSketchPlan } from '@tessera/federated';

export const HELLO_CONTEXT = 'tessera-federation/v1/hello';

interface Aggregation {
  phase: Phase;
  client: SecAggClient;
  rho: number;
  paid: boolean;
  /** What the release makes public, for the ledger. */
  released: string;
}

interface RoundState {
  epsilon: number;
  delta: number;
  /** The most this round may cost the store; plans asking more are refused. */
  maxRho: number;
  /** itemsets, demand-series or price-response, as the invitation named it. */
  roundKind: string;
  /** The store's top-m itemsets; they leave the node only inside the proposal sketch's secure aggregations. */
  proposals?: string[][];
  aggregations: Map<string, Aggregation>;
}

type Call = grpc.ClientDuplexStream<federationV1.ConnectRequest, federationV1.ConnectResponse>;

/**
 * The store's federated client, run by its privacy service: one outgoing stream per store
 * to the hub (the node dials out), reconnecting with backoff. It joins only rounds the
 * store's budget can pay for, and pays (atomically, in the ledger) when the hub asks it
 * to unmask: the moment its contribution can become part of a release. A refused payment
 * means it stays silent, which the protocol treats as a dropout.
 */
export class FederationNodeClient {
  private readonly calls = new Map<string, Call>();
  private stopped = false;
  /** One channel per store: under mTLS each presents its own store's client certificate. */
  private readonly clients = new Map<string, federationV1.FederationNodeServiceClient>();
  private readonly storeIds: string[];

  constructor(
    hubUrl: string,
    /** Each store this node speaks for, with the credentials of its stream (nodeClientCredentials). */
    credentials: Map<string, grpc.ChannelCredentials>,
    private readonly identities: IdentityRepository,
    private readonly budgets: BudgetService,
    private readonly source: MiningContributionSource,
    private readonly logger: Logger,
    private readonly measurementDelayMs = 0,
  ) {
    this.storeIds = [...credentials.keys()];
    for (const [storeId, channelCredentials] of credentials) {
      this.clients.set(storeId, new federationV1.FederationNodeServiceClient(hubUrl, channelCredentials, { 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc.keepalive_time_ms': 10_000 }));
    }
  }

  start(): void {
    for (const storeId of this.storeIds) void this.connectLoop(storeId);
  }

  isConnected(storeId: string): boolean {
    return this.calls.has(storeId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const call of this.calls.values()) call.cancel();
    this.calls.clear();
    for (const client of this.clients.values()) client.close();
  }

  private async connectLoop(storeId: string) {
    let attempt = 0;
    while (!this.stopped) {
      const identity = await this.identities.getOrCreate(storeId);
      const closed = new Promise<void>((resolve) => {
        const call = this.clients.get(storeId)!.connect();
        this.calls.set(storeId, call);
        const rounds = new Map<string, RoundState>();
        call.on('data', (response: federationV1.ConnectResponse) => {
          if (response.body?.$case === 'welcome') attempt = 0;
          this.handle(storeId, identity, call, rounds, response).catch((error) => this.logger.error({ storeId, err: error }, 'federation message handling failed'));
        });
        const done = () => {
          if (this.calls.get(storeId) === call) this.calls.delete(storeId);
          resolve();
        };
        call.on('error', (error: grpc.ServiceError) => {
          if (!this.stopped && error.code !== grpc.status.CANCELLED) this.logger.warn({ storeId, reason: error.details || error.message }, 'federation stream closed');
          done();
        });
        call.on('end', done);
      });
      await closed;
      if (this.stopped) return;
      await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** Math.min(attempt++, 6))));
    }
  }

  private send(call: Call, body: federationV1.ConnectRequest['body']) {
    call.write({ body });
  }

  private async handle(storeId: string, identity: StoreIdentity, call: Call, rounds: Map<string, RoundState>, response: federationV1.ConnectResponse) {
    const body = response.body;
    if (!body) return;
    switch (body.$case) {
      case 'challenge': {
        const nonce = Buffer.from(body.value.nonce);
        const signature = sign(null, Buffer.concat([Buffer.from(`${HELLO_CONTEXT}\u0000${storeId}\u0000`), nonce]), identity.privateKey);
        this.send(call, { $case: 'hello', value: { storeId, signature, nonce } });
        return;
      }
      case 'welcome':
        this.logger.info({ storeId }, 'connected to the federation hub');
        return;
      case 'invitation': {
        const invitation = body.value;
        const maxRho = Math.max(invitation.rho, this.source.rhoFor(invitation.epsilon, invitation.delta));
        const budget = await this.budgets.get(storeId);
        const affordable = !budget.exhausted && budget.remainingRho >= maxRho;
        const reason = affordable ? '' : budget.exhausted ? `the store's privacy budget is spent (epsilon ${budget.spentEpsilon.toFixed(3)} of ${budget.epsilonCap})` : `the round costs up to rho ${maxRho.toPrecision(4)} but only ${budget.remainingRho.toPrecision(4)} remains (epsilon cap ${budget.epsilonCap})`;
        if (affordable) rounds.set(invitation.roundId, { epsilon: invitation.epsilon, delta: invitation.delta, maxRho, roundKind: invitation.roundKind || 'itemsets', aggregations: new Map() });
        this.send(call, { $case: 'join', value: { roundId: invitation.roundId, joined: affordable, reason } });
        this.logger.info({ storeId, roundId: invitation.roundId, joined: affordable, reason }, 'answered a round invitation');
        return;
      }
      case 'proposalRequest': {
        const request = body.value;
        const state = rounds.get(request.roundId);
        if (!state) return;
        // Kept on the node: the hub receives an acknowledgement, and the itemsets only as the
        // secure-aggregation sums of the proposal sketch (libs/federated proposal-sketch.ts).
        state.proposals = await this.source.proposals(storeId, request.topM, request.maxPatternLength, request.minSupport || 2);
        this.send(call, { $case: 'proposal', value: { roundId: request.roundId, itemsets: [] } });
        return;
      }
      case 'measurementRequest': {
        const request = body.value;
        const state = rounds.get(request.roundId);
        if (!state) return;
        const phase = request.phase as Phase;
        let plan;
        try {
          plan = acceptPlan(request.planJson, { roundId: request.roundId, phase, maxRho: state.maxRho, roundKind: state.roundKind });
        } catch (error) {
          this.logger.warn({ storeId, roundId: request.roundId, reason: (error as Error).message }, 'refusing a round plan');
          this.send(call, { $case: 'failure', value: { roundId: request.roundId, reason: `plan refused: ${(error as Error).message}` } });
          rounds.delete(request.roundId);
          return;
        }
        if (this.measurementDelayMs > 0 && !isProposalPhase(phase)) await new Promise((r) => setTimeout(r, this.measurementDelayMs));
        if (isProposalPhase(phase) && !state.proposals) {
          this.send(call, { $case: 'failure', value: { roundId: request.roundId, reason: 'asked for a proposal sketch before proposing' } });
          return;
        }
        const input = isProposalPhase(phase) ? this.source.sketchContribution(state.proposals!, plan as ProposalSketchPlan) : await this.source.noisyContribution(storeId, plan as Exclude<typeof plan, ProposalSketchPlan>, request.planJson, phase);
        const identityKeys = new Map(request.participants.map((id, i) => [id, new Uint8Array(request.identityPublicKeys[i])]));
        const client = new SecAggClient({ roundId: request.aggregationId, identityKeys, participants: request.participants, threshold: request.threshold, vectorLength: request.vectorLength }, storeId, identity.privateKey, { input });
        state.aggregations.set(request.aggregationId, { phase, client, rho: phaseRho(plan), paid: false, released: releasedDescription(plan) });
        this.send(call, { $case: 'secagg', value: { roundId: request.roundId, aggregationId: request.aggregationId, message: Buffer.from(encodeMessage(client.advertiseKeys())) } });
        return;
      }
      case 'secagg': {
        const { roundId, aggregationId } = body.value;
        const aggregation = rounds.get(roundId)?.aggregations.get(aggregationId);
        if (!aggregation) return;
        const message = decodeMessage(body.value.message) as ServerMessage;
        if (message.type === 'UnmaskRequest' && !aggregation.paid && aggregation.rho > 0) {
          // The release happens when survivors unmask: pay for it now, atomically, or stay silent.
          const state = rounds.get(roundId)!;
          const spend = await this.budgets.spend({
            storeId,
            roundId,
            // Itemset rounds keep their phase names; the statistics kinds name the kind itself.
            releaseId: state.roundKind === 'itemsets' ? aggregation.phase : state.roundKind,
            mechanism: 'discrete-gaussian',
            rho: aggregation.rho,
            parameters: { epsilon: state.epsilon, delta: state.delta, kind: 'distributed discrete Gaussian under secure aggregation', phase: aggregation.phase, roundKind: state.roundKind, released: aggregation.released },
          });
          if (!spend.granted) {
            this.logger.warn({ storeId, roundId, reason: spend.reason }, 'not unmasking: the release does not fit the budget');
            this.send(call, { $case: 'failure', value: { roundId, reason: `budget: ${spend.reason}` } });
            rounds.delete(roundId);
            return;
          }
          aggregation.paid = true;
        }
        const reply = aggregation.client.handle(message);
        this.send(call, { $case: 'secagg', value: { roundId, aggregationId, message: Buffer.from(encodeMessage(reply)) } });
        return;
      }
      case 'outcome':
        rounds.delete(body.value.roundId);
        this.logger.info({ storeId, roundId: body.value.roundId, completed: body.value.completed, reason: body.value.reason }, 'round finished');
        return;
    }
  }
}
