import { Inject, Injectable } from '@nestjs/common';
import type { miningV1 } from '@tessera/proto';
import { MINING_CLIENT } from '../scheduler.tokens';
import type { RunHandler } from './run-handler';
import { callUnary } from './grpc-call';
import type { ScheduleRow } from '../repositories/schedule.repository';
import type { RunRow } from '../repositories/run.repository';

/** A store's recurring local mining: starts a job on the store node's mining service. */
@Injectable()
export class MiningRunHandler implements RunHandler {
  constructor(@Inject(MINING_CLIENT) private readonly mining: miningV1.MiningServiceClient) {}

  async run(run: RunRow, schedule: ScheduleRow): Promise<Record<string, unknown>> {
    const p = schedule.parameters as { minUtility?: string; topK?: number; minSupport?: number; maxPatternLength?: number; merging?: string };
    const response = await callUnary<miningV1.StartJobRequest, miningV1.StartJobResponse>(this.mining, this.mining.startJob, {
      storeId: schedule.store_id!,
      options: { minUtility: p.minUtility ?? (p.topK ? '' : '1%'), topK: p.topK ?? 0, minSupport: p.minSupport ?? 0, maxPatternLength: p.maxPatternLength ?? 0, merging: p.merging ?? 'auto', threads: 0 },
      requestId: run.run_id,
    });
    return { miningJobId: response.job?.jobId ?? '' };
  }
}
