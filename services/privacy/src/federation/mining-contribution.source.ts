import * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import { checkPlanDigest, proposalSketchVector, sampleNoiseShare, toWord, type CalibrationPlan, type DemandSeriesPlan, type PriceResponsePlan, type ProposalSketchPlan, type RoundPlan } from '@tessera/federated';
import { epsilonToRho } from '@tessera/privacy';
import { miningV1 } from '@tessera/proto';
import { MINING_CLIENT } from '../privacy.tokens';

export type Phase = 'calibration' | 'measurement' | ProposalPhase;
/** The secure aggregations of an itemset round's proposal sketch (no DP release, no charge). */
export type ProposalPhase = 'proposal-counts' | 'proposal-purity' | 'proposal-identities';
export const PROPOSAL_PHASES: Record<ProposalPhase, string> = {
  'proposal-counts': 'tessera.federated.proposal-counts/v1',
  'proposal-purity': 'tessera.federated.proposal-purity/v1',
  'proposal-identities': 'tessera.federated.proposal-identities/v1',
};

export function isProposalPhase(phase: string): phase is ProposalPhase {
  return phase in PROPOSAL_PHASES;
}

function call<Req, Res>(client: miningV1.MiningServiceClient, method: (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, request, (error: grpc.ServiceError | null, response: Res) => (error ? reject(error) : resolve(response))));
}

export type AnyPlan = CalibrationPlan | RoundPlan | DemandSeriesPlan | PriceResponsePlan | ProposalSketchPlan;

/** Plans a measurement phase may carry, by the round kind the invitation named. */
const MEASUREMENT_PLANS: Record<string, string> = {
  itemsets: 'tessera.federated.round-plan/v1',
  'demand-series': 'tessera.federated.demand-series-plan/v1',
  'price-response': 'tessera.federated.price-response-plan/v1',
};

/** A plan the node accepts to pay for: intact, for this round and its kind, and within what it agreed to spend. */
export function acceptPlan(planJson: string, expected: { roundId: string; phase: Phase; maxRho: number; roundKind?: string }): AnyPlan {
  const plan = JSON.parse(planJson) as AnyPlan;
  checkPlanDigest(plan);
  if (isProposalPhase(expected.phase)) {
    if ((expected.roundKind || 'itemsets') !== 'itemsets') throw new Error(`a ${expected.roundKind} round has no proposals`);
    if (plan.kind !== PROPOSAL_PHASES[expected.phase]) throw new Error(`expected a ${expected.phase} plan, got ${plan.kind}`);
    if (plan.roundId !== expected.roundId) throw new Error(`the plan is for round ${plan.roundId}, not ${expected.roundId}`);
    return plan;
  }
  const kind = expected.phase === 'calibration' ? 'tessera.federated.calibration-plan/v1' : MEASUREMENT_PLANS[expected.roundKind || 'itemsets'];
  if (!kind) throw new Error(`unknown round kind ${expected.roundKind}`);
  if (plan.kind !== kind) throw new Error(`expected a ${expected.phase} plan (${kind}), got ${plan.kind}`);
  if (plan.roundId !== expected.roundId) throw new Error(`the plan is for round ${plan.roundId}, not ${expected.roundId}`);
  const rho = expected.phase === 'calibration' ? (plan as CalibrationPlan).privacy.rho : (plan as RoundPlan | DemandSeriesPlan).privacy.roundRho;
  if (!(rho <= expected.maxRho * (1 + 1e-9))) throw new Error(`the plan would cost rho ${rho}, more than the ${expected.maxRho} the store agreed to`);
  return plan;
}

/** What the release of one phase costs the store (zCDP rho of that release alone, charged at unmasking). */
export function phaseRho(plan: AnyPlan): number {
  // Proposal sketches release no DP statistic (the k-store rule covers them, as it covered the lists).
  return 'privacy' in plan ? plan.privacy.rho : 0;
}

/** What a release makes public, in words, for the store's ledger. */
export function releasedDescription(plan: AnyPlan): string {
  switch (plan.kind) {
    case 'tessera.federated.calibration-plan/v1':
      return 'noisy histograms of per-transaction contributions (clip calibration)';
    case 'tessera.federated.round-plan/v1':
      return `noisy utility and support of ${plan.candidates.length} itemsets proposed by at least k stores${plan.subsets?.length ? `, support of ${plan.subsets.length} parts of their bundles` : ''}, and the transaction count`;
    case 'tessera.federated.demand-series-plan/v1':
      return `noisy quantity of ${plan.skus.length} items in ${plan.periods.length} ${plan.period}s and their revenue over the window, from ${plan.fromDate} to ${plan.toDate}`;
    case 'tessera.federated.price-response-plan/v1':
      return `noisy sufficient statistics of log-quantity on log-price for ${plan.skus.length} items`;
    default:
      return 'hashed counts and identities of itemsets proposed by at least k stores (no DP release)';
  }
}

/**
 * The store's proposals and contributions: mining (which holds the store's data view)
 * proposes itemsets and measures exactly; the privacy service adds the store's share of
 * distributed discrete Gaussian noise from the CSPRNG and encodes mod 2^32, so nothing
 * leaves the node without its noise.
 */
@Injectable()
export class MiningContributionSource {
  constructor(@Inject(MINING_CLIENT) private readonly mining: miningV1.MiningServiceClient) {}

  async proposals(storeId: string, topM: number, maxPatternLength: number, minSupport: number): Promise<string[][]> {
    const response = await call<miningV1.ProposeItemsetsRequest, miningV1.ProposeItemsetsResponse>(this.mining, this.mining.proposeItemsets, { storeId, topM, maxPatternLength, minSupport });
    return response.itemsets.map((i) => i.items);
  }

  /** A proposal sketch's vector, from the proposals the node already holds (mining is not asked again). */
  sketchContribution(proposals: readonly (readonly string[])[], plan: ProposalSketchPlan): Uint32Array {
    return Uint32Array.from(proposalSketchVector(proposals, plan), toWord);
  }

  async noisyContribution(storeId: string, plan: Exclude<AnyPlan, ProposalSketchPlan>, planJson: string, phase: Phase): Promise<Uint32Array> {
    const response = await call<miningV1.ClippedMeasurementRequest, miningV1.ClippedMeasurementResponse>(this.mining, this.mining.clippedMeasurement, { storeId, planJson, phase });
    const length = 'layout' in plan ? plan.layout.length : plan.length;
    if (response.values.length !== length) throw new Error(`mining measured ${response.values.length} values for a ${length}-entry plan`);
    const noise = sampleNoiseShare(plan.noise.shareSigma2, length);
    const vector = new Uint32Array(length);
    for (let i = 0; i < length; i++) vector[i] = toWord(response.values[i] + noise[i]);
    return vector;
  }

  /** The most a round at (epsilon, delta) may cost a store, computed on the node (the hub's figure is not trusted). */
  rhoFor(epsilon: number, delta: number): number {
    return epsilonToRho(epsilon, delta);
  }
}
