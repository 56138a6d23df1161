import { Inject, Injectable } from '@nestjs/common';
import type { federationV1 } from '@tessera/proto';
import { FEDERATION_CLIENT } from '../scheduler.tokens';
import type { RunHandler } from './run-handler';
import { callUnary } from './grpc-call';
import type { ScheduleRow } from '../repositories/schedule.repository';
import type { RunRow } from '../repositories/run.repository';

/**
 * A recurring federated round: asks the coordinator to start one. Budgets are not checked
 * here: each invited node's privacy service checks its own and declines when spent.
 */
@Injectable()
export class RoundRunHandler implements RunHandler {
  constructor(@Inject(FEDERATION_CLIENT) private readonly federation: federationV1.FederationServiceClient) {}

  async run(run: RunRow, schedule: ScheduleRow): Promise<Record<string, unknown>> {
    const p = schedule.parameters as Partial<federationV1.RoundConfig>;
    const response = await callUnary<federationV1.StartRoundRequest, federationV1.StartRoundResponse>(this.federation, this.federation.startRound, {
      config: {
        minStores: p.minStores ?? 0,
        epsilon: p.epsilon ?? 0,
        delta: p.delta ?? 0,
        kThreshold: p.kThreshold ?? 0,
        minUtilityFraction: p.minUtilityFraction ?? 0,
        maxPatternLength: p.maxPatternLength ?? 0,
        topM: p.topM ?? 0,
        stageTimeoutSeconds: p.stageTimeoutSeconds ?? 0,
        storeIds: p.storeIds ?? [],
      },
      requestedBy: `schedule:${schedule.schedule_id}`,
    });
    return { roundId: response.round?.roundId ?? '', runId: run.run_id };
  }
}
