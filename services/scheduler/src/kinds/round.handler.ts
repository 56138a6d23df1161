import { Inject, Injectable } from '@nestjs/common';
import { federationV1 } from '@tessera/proto';
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
      // fromPartial fills what the schedule leaves out (the round kind defaults to itemsets).
      config: federationV1.RoundConfig.fromPartial(p),
      requestedBy: `schedule:${schedule.schedule_id}`,
    });
    return { roundId: response.round?.roundId ?? '', runId: run.run_id };
  }
}
