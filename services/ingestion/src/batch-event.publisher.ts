import { Inject, Injectable } from '@nestjs/common';
import type { Bus } from '@tessera/bus';
import type { Logger } from '@tessera/common';
import { ingestionV1 } from '@tessera/proto';
import type { TransactionRecord } from './transaction.model';
import { BUS, LOGGER } from '@tessera/nest-core';
import { BATCHES_TOPIC } from './ingestion.tokens';

/** Announces committed batches on ingestion.batches.v1 (protobuf), one event per store. */
@Injectable()
export class BatchEventPublisher {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(BATCHES_TOPIC) private readonly topic: string,
  ) {}

  /** One event per store that the batch touched, with that store's exact counts. */
  async publishCommitted(source: 'pos' | 'file', fileId: string | undefined, counts: Map<string, StoreBatchCounts>): Promise<void> {
    if (counts.size === 0) return;
    const committedAt = new Date().toISOString();
    const events = [...counts].map(([storeId, count]) => ({
      key: storeId,
      value: Buffer.from(
        ingestionV1.IngestionBatchCommitted.encode({
          storeId,
          source,
          fileId: fileId ?? '',
          stored: String(count.stored),
          duplicates: String(count.duplicates),
          rejected: String(count.rejected),
          firstOccurredAt: count.firstOccurredAt ?? '',
          lastOccurredAt: count.lastOccurredAt ?? '',
          committedAt,
        }).finish(),
      ),
      headers: { 'content-type': 'application/x-protobuf', 'message-type': 'tessera.ingestion.v1.IngestionBatchCommitted' },
    }));
    try {
      await this.bus.publish(this.topic, events);
    } catch (error) {
      // The batch is committed; the notification is advisory (consumers re-scan on their schedule).
      this.logger.error({ err: error }, 'could not publish ingestion.batches.v1 event');
    }
  }
}

export interface StoreBatchCounts {
  stored: number;
  duplicates: number;
  rejected: number;
  firstOccurredAt?: string;
  lastOccurredAt?: string;
}

/** Per-store counts of a batch from the valid records, rows stored per store, and rejections. */
export function countByStore(valid: TransactionRecord[], storedByStore: Map<string, number>, rejectedStoreIds: (string | undefined)[]): Map<string, StoreBatchCounts> {
  const counts = new Map<string, StoreBatchCounts>();
  const entry = (storeId: string) => {
    let count = counts.get(storeId);
    if (!count) counts.set(storeId, (count = { stored: storedByStore.get(storeId) ?? 0, duplicates: 0, rejected: 0 }));
    return count;
  };
  for (const record of valid) {
    const count = entry(record.storeId);
    count.duplicates++;
    if (!count.firstOccurredAt || record.occurredAt < count.firstOccurredAt) count.firstOccurredAt = record.occurredAt;
    if (!count.lastOccurredAt || record.occurredAt > count.lastOccurredAt) count.lastOccurredAt = record.occurredAt;
  }
  for (const count of counts.values()) count.duplicates -= count.stored;
  for (const storeId of rejectedStoreIds) if (storeId) entry(storeId).rejected++;
  return counts;
}
