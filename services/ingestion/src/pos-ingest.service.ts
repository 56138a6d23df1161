import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Bus, BusMessage } from '@tessera/bus';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { BUS, LOGGER } from '@tessera/nest-core';
import { CUSTOMER_HASH_KEY, POS_DLQ_TOPIC } from './ingestion.tokens';
import { PosEventValidator } from './pos-event.validator';
import { TransactionRepository } from './repositories/transaction.repository';
import { RejectedEventRepository, type RejectedEvent } from './repositories/rejected-event.repository';
import { BatchEventPublisher, countByStore } from './batch-event.publisher';
import type { TransactionRecord } from './transaction.model';

/**
 * Consumes one batch of POS events: invalid events go to the DLQ with their reason and
 * field, valid ones are stored once per (store, transaction id). The DLQ is written
 * before the database commit and offsets are committed by the bus only after it, so a
 * crash at any point redelivers rather than loses (DLQ consumers dedupe on the source
 * topic/partition/offset headers; the database dedupes transactions).
 */
@Injectable()
export class PosIngestService {
  private readonly validator: PosEventValidator;
  private readonly counters;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: TransactionRepository,
    private readonly rejections: RejectedEventRepository,
    @Inject(BUS) private readonly bus: Bus,
    private readonly batchEvents: BatchEventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: ServiceMetrics,
    @Inject(CUSTOMER_HASH_KEY) customerHashKey: string,
    @Inject(POS_DLQ_TOPIC) private readonly dlqTopic: string,
  ) {
    this.validator = new PosEventValidator(customerHashKey);
    this.counters = {
      events: metrics.counter('ingestion_pos_events_total', 'POS events consumed, by outcome', ['outcome'] as const),
    };
  }

  /**
   * Events posted over REST by a store's POS system (API key bound to `storeId`): the same
   * validation as Kafka events, stored synchronously, rejections answered to the caller.
   */
  async ingestDirect(storeId: string, events: Buffer[]): Promise<{ stored: number; duplicates: number; rejected: { index: number; transactionId?: string; fieldPath: string; reason: string }[] }> {
    const valid: TransactionRecord[] = [];
    const rejected: { index: number; transactionId?: string; fieldPath: string; reason: string }[] = [];
    events.forEach((payload, index) => {
      const result = this.validator.check(payload, storeId);
      if (result.ok) valid.push(result.record);
      else rejected.push({ index, transactionId: result.transactionId, fieldPath: result.fieldPath, reason: result.reason });
    });
    const storedByStore = await this.dataSource.transaction((manager) => this.transactions.copyMany(manager, valid));
    const stored = storedByStore.get(storeId) ?? 0;
    this.counters.events.inc({ outcome: 'stored' }, stored);
    this.counters.events.inc({ outcome: 'duplicate' }, valid.length - stored);
    this.counters.events.inc({ outcome: 'rejected' }, rejected.length);
    await this.batchEvents.publishCommitted('pos', undefined, countByStore(valid, storedByStore, rejected.map(() => storeId)));
    return { stored, duplicates: valid.length - stored, rejected };
  }

  async ingestBatch(batch: BusMessage[]): Promise<{ stored: number; duplicates: number; rejected: number }> {
    const valid: TransactionRecord[] = [];
    const rejected: (RejectedEvent & { payload: Buffer; key: string | null })[] = [];
    for (const message of batch) {
      const result = this.validator.check(message.value, message.key);
      if (result.ok) valid.push(result.record);
      else
        rejected.push({
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          storeId: result.storeId,
          transactionId: result.transactionId,
          reason: result.reason,
          fieldPath: result.fieldPath,
          payload: message.value,
          key: message.key,
        });
    }
    if (rejected.length > 0) {
      await this.bus.publish(
        this.dlqTopic,
        rejected.map((r) => ({
          key: r.storeId ?? r.key ?? undefined,
          value: r.payload,
          headers: { reason: r.reason, 'field-path': r.fieldPath, 'source-topic': r.topic, 'source-partition': String(r.partition), 'source-offset': r.offset, 'rejected-at': new Date().toISOString() },
        })),
      );
    }
    const storedByStore = await this.dataSource.transaction(async (manager) => {
      const inserted = await this.transactions.copyMany(manager, valid);
      await this.rejections.insertMany(manager, rejected);
      return inserted;
    });
    const stored = [...storedByStore.values()].reduce((a, b) => a + b, 0);
    const duplicates = valid.length - stored;
    this.counters.events.inc({ outcome: 'stored' }, stored);
    this.counters.events.inc({ outcome: 'duplicate' }, duplicates);
    this.counters.events.inc({ outcome: 'rejected' }, rejected.length);
    await this.batchEvents.publishCommitted('pos', undefined, countByStore(valid, storedByStore, rejected.map((r) => r.storeId)));
    if (rejected.length > 0) this.logger.warn({ rejected: rejected.length, firstReason: rejected[0].reason }, 'POS events sent to the DLQ');
    return { stored, duplicates, rejected: rejected.length };
  }
}
