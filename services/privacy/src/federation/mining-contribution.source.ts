import * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import { checkPlanDigest, sampleNoiseShare, toWord, type CalibrationPlan, type RoundPlan } from '@tessera/federated';
import { epsilonToRho } from '@tessera/privacy';
import { miningV1 } from '@tessera/proto';
import { MINING_CLIENT } from '../privacy.tokens';

export type Phase = 'calibration' | 'measurement';

function call<Req, Res>(client: miningV1.MiningServiceClient, method: (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, request, (error: grpc.ServiceError | null, response: Res) => (error ? reject(error) : resolve(response))));
}

/** A plan the node accepts to pay for: intact, for this round, and within what it agreed to spend. */
export function acceptPlan(planJson: string, expected: { roundId: string; phase: Phase; maxRho: number }): CalibrationPlan | RoundPlan {
  const plan = JSON.parse(planJson) as CalibrationPlan | RoundPlan;
  checkPlanDigest(plan);
  const kind = expected.phase === 'calibration' ? 'tessera.federated.calibration-plan/v1' : 'tessera.federated.round-plan/v1';
  if (plan.kind !== kind) throw new Error(`expected a ${expected.phase} plan, got ${plan.kind}`);
  if (plan.roundId !== expected.roundId) throw new Error(`the plan is for round ${plan.roundId}, not ${expected.roundId}`);
  const rho = expected.phase === 'calibration' ? (plan as CalibrationPlan).privacy.rho : (plan as RoundPlan).privacy.roundRho;
  if (!(rho <= expected.maxRho * (1 + 1e-9))) throw new Error(`the plan would cost rho ${rho}, more than the ${expected.maxRho} the store agreed to`);
  return plan;
}

/** What the release of one phase costs the store (zCDP rho of that release alone, charged at unmasking). */
export function phaseRho(plan: CalibrationPlan | RoundPlan): number {
  return plan.privacy.rho;
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

  async noisyContribution(storeId: string, plan: CalibrationPlan | RoundPlan, planJson: string, phase: Phase): Promise<Uint32Array> {
    const response = await call<miningV1.ClippedMeasurementRequest, miningV1.ClippedMeasurementResponse>(this.mining, this.mining.clippedMeasurement, { storeId, planJson, phase });
    const length = plan.layout.length;
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
