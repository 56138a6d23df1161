import type { DataSource } from 'typeorm';
import type { Bus, BusMessage, Subscription } from '@tessera/bus';
import type { Logger } from '@tessera/common';
import { schedulerV1 } from '@tessera/proto';
import { MiningErasureRepository } from './erasure.repository';

const TOPICS = { requests: 'erasure.requests.v1', confirmations: 'erasure.confirmations.v1' } as const;

/**
 * Mining's part of erasure: deletes the store's job results whose input may have held the
 * erased transactions, drops the store's cached measurement database (rebuilt from
 * ingestion on next use, without the erased rows), and confirms with counts.
 */
export class MiningErasureHandler {
  private readonly repository: MiningErasureRepository;

  constructor(
    dataSource: DataSource,
    private readonly bus: Bus,
    private readonly invalidateCache: (storeId: string) => void,
    private readonly logger: Logger,
  ) {
    this.repository = new MiningErasureRepository(dataSource);
  }

  async subscribe(): Promise<Subscription> {
    return this.bus.subscribe({ groupId: 'tessera-mining-erasure', topics: [TOPICS.requests], fromBeginning: true }, (batch) => this.onRequests(batch));
  }

  async onRequests(batch: BusMessage[]): Promise<void> {
    for (const message of batch) {
      const request = schedulerV1.ErasureRequested.decode(message.value);
      const readBefore = new Date(request.requestedAt);
      if (Number.isNaN(readBefore.getTime())) continue;
      // Jobs that start after the request read ingestion once it has deleted; a job that started just before is caught by created_at.
      const counts = await this.repository.eraseJobsReadBefore(request.storeId, new Date(Math.max(readBefore.getTime(), Date.now())));
      this.invalidateCache(request.storeId);
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
