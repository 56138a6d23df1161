import { Controller, Inject } from '@nestjs/common';
import type { Bus, BusMessage } from '@tessera/bus';
import type { Logger } from '@tessera/common';
import { BUS, LOGGER, OnBusBatch } from '@tessera/nest-core';
import { schedulerV1 } from '@tessera/proto';
import { MeasureService } from '../measure.service';
import { MiningErasureRepository } from './erasure.repository';

const TOPICS = { requests: 'erasure.requests.v1', confirmations: 'erasure.confirmations.v1' } as const;

/**
 * Mining's part of erasure: deletes the store's job results whose input may have held the
 * erased transactions, drops the store's cached measurement database (rebuilt from
 * ingestion on next use, without the erased rows), and confirms with counts.
 */
@Controller()
export class MiningErasureController {
  constructor(
    private readonly repository: MiningErasureRepository,
    private readonly measurements: MeasureService,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  // One group for all replicas: each request is applied once per node (and applying it again deletes nothing more).
  @OnBusBatch('erasure-requests', () => ({ groupId: 'tessera-mining-erasure', topics: [TOPICS.requests], fromBeginning: true }))
  async onRequests(batch: BusMessage[]): Promise<void> {
    for (const message of batch) {
      const request = schedulerV1.ErasureRequested.decode(message.value);
      const readBefore = new Date(request.requestedAt);
      if (Number.isNaN(readBefore.getTime())) continue;
      // Jobs that start after the request read ingestion once it has deleted; a job that started just before is caught by created_at.
      const counts = await this.repository.eraseJobsReadBefore(request.storeId, new Date(Math.max(readBefore.getTime(), Date.now())));
      this.measurements.invalidate(request.storeId);
      this.logger.info({ requestId: request.requestId, storeId: request.storeId, ...counts }, 'erasure request applied to mining results');
      const confirmation: schedulerV1.ErasureConfirmed = {
        requestId: request.requestId,
        service: 'mining',
        storeId: request.storeId,
        deleted: [
          { dataClass: 'mining_jobs', count: String(counts.jobs) },
          { dataClass: 'mining_patterns', count: String(counts.patterns) },
          { dataClass: 'measurement_cache', count: '1' },
        ],
        note: 'every job of the store read before the request was deleted: jobs do not record which transactions they read',
        confirmedAt: new Date().toISOString(),
      };
      await this.bus.publish(TOPICS.confirmations, [{ key: request.storeId, value: Buffer.from(schedulerV1.ErasureConfirmed.encode(confirmation).finish()) }]);
    }
  }
}
