import { Controller, Inject } from '@nestjs/common';
import type { Bus, BusMessage } from '@tessera/bus';
import type { Logger } from '@tessera/common';
import { BUS, LOGGER, OnBusBatch } from '@tessera/nest-core';
import { schedulerV1 } from '@tessera/proto';
import { IngestionErasureRepository } from './erasure.repository';
import { IngestionErasureService } from './erasure.service';
import { FileRetentionService } from '../storage/file-retention.service';

export const ERASURE_TOPICS = { requests: 'erasure.requests.v1', confirmations: 'erasure.confirmations.v1', sweeps: 'retention.sweeps.v1' } as const;

/** What the confirmation says about the kept uploaded files (`object_storage`), by scope. */
const OBJECT_STORAGE_NOTES = {
  customer: "the original uploaded files that held the customer's rows (also as duplicates) were deleted from the bucket; their records keep only counts and can no longer be downloaded or reprocessed",
  store: "every uploaded file of the store was deleted from the bucket (with any object left under the store's prefix), and its record with it",
} as const;

/**
 * Ingestion's part of erasure and retention: deletes the objects and rows a request covers and
 * confirms with counts. Idempotent: a redelivered request deletes nothing more and confirms
 * again. A failure (the bucket or the database) throws, so the bus redelivers the request.
 */
@Controller()
export class IngestionErasureHandler {
  constructor(
    private readonly erasure: IngestionErasureService,
    private readonly repository: IngestionErasureRepository,
    private readonly fileRetention: FileRetentionService,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  // One group for all replicas of the node: each request is applied once (and again deletes nothing more).
  @OnBusBatch('erasure-requests', () => ({ groupId: 'tessera-ingestion-erasure', topics: [ERASURE_TOPICS.requests], fromBeginning: true }))
  async onRequests(batch: BusMessage[]): Promise<void> {
    for (const message of batch) {
      const request = schedulerV1.ErasureRequested.decode(message.value);
      if (request.scope === 'customer' && !request.customerHash) continue;
      const scope = request.scope === 'store' ? 'store' : 'customer';
      const counts = scope === 'store' ? await this.erasure.eraseStore(request.storeId) : await this.erasure.eraseCustomer(request.storeId, request.customerHash);
      const deleted = [
        { dataClass: 'transactions', count: counts.transactions },
        { dataClass: scope === 'store' ? 'files' : 'files_with_rows_of_customer', count: counts.files },
        { dataClass: 'file_errors', count: counts.fileErrors },
        { dataClass: 'rejected_events', count: counts.rejectedEvents },
        { dataClass: 'object_storage', count: counts.objects },
      ];
      this.logger.info({ requestId: request.requestId, storeId: request.storeId, scope: request.scope, ...counts }, 'erasure request applied');
      await this.confirm(request.requestId, request.storeId, deleted, OBJECT_STORAGE_NOTES[scope]);
    }
  }

  @OnBusBatch('retention-sweeps', () => ({ groupId: 'tessera-ingestion-retention', topics: [ERASURE_TOPICS.sweeps], fromBeginning: true }))
  async onSweeps(batch: BusMessage[]): Promise<void> {
    for (const message of batch) {
      const sweep = schedulerV1.RetentionSweepRequested.decode(message.value);
      const olderThan = new Date(sweep.olderThan);
      if (Number.isNaN(olderThan.getTime())) continue;
      const storeId = sweep.storeId || null;
      let count: number;
      if (sweep.dataClass === 'raw_transactions') count = await this.repository.sweepTransactions(storeId, olderThan);
      else if (sweep.dataClass === 'uploaded_files') count = await this.fileRetention.sweep(storeId, olderThan); // objects and records
      else continue; // audit and round artefacts belong to other services
      this.logger.info({ sweepId: sweep.sweepId, dataClass: sweep.dataClass, storeId, deleted: count }, 'retention sweep applied');
      await this.confirm(sweep.sweepId, sweep.storeId, [{ dataClass: sweep.dataClass, count }], '');
    }
  }

  private async confirm(requestId: string, storeId: string, deleted: { dataClass: string; count: number }[], note: string): Promise<void> {
    const confirmation: schedulerV1.ErasureConfirmed = { requestId, service: 'ingestion', storeId, deleted: deleted.map((d) => ({ dataClass: d.dataClass, count: String(d.count) })), note, confirmedAt: new Date().toISOString() };
    await this.bus.publish(ERASURE_TOPICS.confirmations, [{ key: storeId || 'hub', value: Buffer.from(schedulerV1.ErasureConfirmed.encode(confirmation).finish()) }]);
  }
}
