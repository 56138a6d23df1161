// The POS ingest service in a Nest testing module with in-memory repositories, a fake DataSource
// (its transaction runs the work, or fails it) and a recording bus: validation to the DLQ, the
// per-store dedupe, the order DLQ-before-commit, and the ingestion.batches.v1 counts. The real
// repositories' SQL is covered by the ingestion int-specs.
import assert from 'node:assert/strict';
import { Test } from '@nestjs/testing';
import { DataSource, type EntityManager } from 'typeorm';
import type { BusMessage, BusRecord } from '@tessera/bus';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { BUS, LOGGER } from '@tessera/nest-core';
import { ingestionV1 } from '@tessera/proto';
import { BatchEventPublisher } from './batch-event.publisher';
import { BATCHES_TOPIC, CUSTOMER_HASH_KEY, POS_DLQ_TOPIC } from './ingestion.tokens';
import { PosIngestService } from './pos-ingest.service';
import { hashCustomer } from './pos-event.validator';
import { RejectedEventRepository, type RejectedEvent } from './repositories/rejected-event.repository';
import { TransactionRepository } from './repositories/transaction.repository';
import type { TransactionRecord } from './transaction.model';

const HASH_KEY = 'unit-test-key-0123456789abcdef';

/** The database as the service sees it: rows become visible only when the transaction's work succeeds. */
class InMemoryDatabase {
  readonly transactions = new Map<string, TransactionRecord>();
  readonly rejections: RejectedEvent[] = [];
  readonly log: string[] = [];
  failNextCommit = false;
  private pending?: { transactions: TransactionRecord[]; rejections: RejectedEvent[] };

  readonly dataSource = {
    transaction: async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
      this.pending = { transactions: [], rejections: [] };
      try {
        const result = await work({} as EntityManager);
        if (this.failNextCommit) {
          this.failNextCommit = false;
          throw new Error('connection lost during commit');
        }
        for (const record of this.pending.transactions) this.transactions.set(`${record.storeId}/${record.transactionId}`, record);
        this.rejections.push(...this.pending.rejections);
        this.log.push('commit');
        return result;
      } finally {
        this.pending = undefined;
      }
    },
  };

  /** TransactionRepository.copyMany's contract: new rows per store, existing (store, id) pairs left alone. */
  readonly transactionRepository = {
    copyMany: async (_manager: EntityManager, records: TransactionRecord[]): Promise<Map<string, number>> => {
      const inserted = new Map<string, number>();
      const seen = new Set<string>();
      for (const record of records) {
        const key = `${record.storeId}/${record.transactionId}`;
        if (this.transactions.has(key) || seen.has(key)) continue;
        seen.add(key);
        this.pending!.transactions.push(record);
        inserted.set(record.storeId, (inserted.get(record.storeId) ?? 0) + 1);
      }
      return inserted;
    },
  };

  readonly rejectionRepository = {
    insertMany: async (_manager: EntityManager, events: RejectedEvent[]): Promise<void> => {
      this.pending!.rejections.push(...events);
    },
  };
}

class RecordingBus {
  constructor(private readonly log: string[]) {}
  readonly published: { topic: string; records: BusRecord[] }[] = [];
  async publish(topic: string, records: BusRecord[]): Promise<void> {
    this.log.push(`publish ${topic}`);
    this.published.push({ topic, records });
  }
  on(topic: string) {
    return this.published.filter((p) => p.topic === topic).flatMap((p) => p.records);
  }
}

async function setUp() {
  const database = new InMemoryDatabase();
  const bus = new RecordingBus(database.log);
  const warnings: unknown[] = [];
  const logger = { error: () => undefined, warn: (details: unknown) => warnings.push(details), info: () => undefined, debug: () => undefined } as unknown as Logger;
  const moduleRef = await Test.createTestingModule({
    providers: [
      PosIngestService,
      BatchEventPublisher,
      TransactionRepository,
      RejectedEventRepository,
      { provide: DataSource, useValue: {} },
      { provide: BUS, useValue: {} },
      { provide: LOGGER, useValue: logger },
      { provide: ServiceMetrics, useValue: new ServiceMetrics('ingestion-unit') },
      { provide: CUSTOMER_HASH_KEY, useValue: HASH_KEY },
      { provide: POS_DLQ_TOPIC, useValue: 'pos.transactions.dlq.v1' },
      { provide: BATCHES_TOPIC, useValue: 'ingestion.batches.v1' },
    ],
  })
    .overrideProvider(DataSource)
    .useValue(database.dataSource)
    .overrideProvider(TransactionRepository)
    .useValue(database.transactionRepository)
    .overrideProvider(RejectedEventRepository)
    .useValue(database.rejectionRepository)
    .overrideProvider(BUS)
    .useValue(bus)
    .compile();
  return { service: moduleRef.get(PosIngestService), database, bus, warnings, moduleRef };
}

const event = (storeId: string, transactionId: string, extra: Record<string, unknown> = {}) => ({
  transactionId,
  storeId,
  occurredAt: '2026-03-01T10:00:00Z',
  lines: [
    { sku: 'milk', quantity: 2, unitPrice: 1.25 },
    { sku: 'bread', quantity: 1, unitPrice: 2.5, unitProfit: 0.4 },
  ],
  ...extra,
});

let offset = 0;
const message = (body: unknown, key: string | null): BusMessage => ({
  topic: 'pos.transactions.v1',
  partition: 0,
  offset: String(offset++),
  key,
  value: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  headers: {},
  timestamp: '0',
});

const decodeBatch = (record: BusRecord) => ingestionV1.IngestionBatchCommitted.decode(record.value as Buffer);

describe('PosIngestService.ingestBatch (pos.transactions.v1 consumer)', () => {
  test('valid events are stored in integer cents with the customer id hashed, once per (store, transaction id)', async () => {
    const { service, database, moduleRef } = await setUp();
    const result = await service.ingestBatch([message(event('s1', 't1', { customerId: 'loyal-42' }), 's1'), message(event('s1', 't2'), 's1'), message(event('s1', 't1'), 's1')]);
    assert.deepEqual(result, { stored: 2, duplicates: 1, rejected: 0 });
    const stored = database.transactions.get('s1/t1')!;
    assert.deepEqual(
      stored.lines.map((l) => [l.sku, l.unitPriceCents, l.utilityCents]),
      [
        ['milk', 125, 250],
        ['bread', 250, 40],
      ],
      'utility is quantity x profit, or x price without a profit',
    );
    assert.equal(stored.customerHash, hashCustomer(HASH_KEY, 's1', 'loyal-42'));
    assert.ok(!JSON.stringify([...database.transactions.values()]).includes('loyal-42'), 'the clear customer id is never stored');
    const again = await service.ingestBatch([message(event('s1', 't2'), 's1')]);
    assert.deepEqual(again, { stored: 0, duplicates: 1, rejected: 0 }, 'a redelivered event is a duplicate, not a second row');
    assert.equal(database.transactions.size, 2);
    await moduleRef.close();
  });

  test('invalid events go to the DLQ with the field and reason in headers, before the commit, and are recorded once', async () => {
    const { service, database, bus, warnings } = await setUp();
    const batch = [
      message(event('s1', 'ok-1'), 's1'),
      message('{not json', 's1'),
      message({ ...event('s1', 'no-lines'), lines: undefined }, 's1'),
      message(event('s1', 'bad-qty', { lines: [{ sku: 'a', quantity: 0, unitPrice: 1 }] }), 's1'),
      message(event('s2', 'wrong-key'), 's1'),
      message(event('s1', 'dup-sku', { lines: [{ sku: 'a', quantity: 1, unitPrice: 1 }, { sku: 'a', quantity: 2, unitPrice: 1 }] }), 's1'),
    ];
    const result = await service.ingestBatch(batch);
    assert.deepEqual(result, { stored: 1, duplicates: 0, rejected: 5 });
    const dlq = bus.on('pos.transactions.dlq.v1');
    assert.deepEqual(
      dlq.map((r) => r.headers!['field-path']),
      ['', '/lines', '/lines/0/quantity', '/storeId', '/lines/1/sku'],
    );
    assert.match(dlq[0].headers!.reason, /payload is not JSON/);
    assert.match(dlq[4].headers!.reason, /appears in two lines/);
    assert.deepEqual(dlq[2].value, batch[3].value, 'the DLQ carries the original payload');
    assert.equal(dlq[2].headers!['source-offset'], batch[3].offset);
    assert.equal(dlq[3].key, 's2', 'keyed by the store the event names');
    assert.deepEqual(database.log.slice(0, 2), ['publish pos.transactions.dlq.v1', 'commit'], 'the DLQ is written before the database commit');
    assert.equal(database.rejections.length, 5);
    assert.equal(database.transactions.size, 1);
    assert.equal(warnings.length, 1);
  });

  test('after the commit one ingestion.batches.v1 event per store carries that store exact counts and time range', async () => {
    const { service, bus } = await setUp();
    await service.ingestBatch([
      message(event('s1', 'a', { occurredAt: '2026-03-02T08:00:00Z' }), 's1'),
      message(event('s1', 'b', { occurredAt: '2026-03-01T08:00:00Z' }), 's1'),
      message(event('s2', 'a'), 's2'),
      message(event('s2', 'bad', { lines: [] }), 's2'),
    ]);
    const events = bus.on('ingestion.batches.v1').map(decodeBatch);
    const byStore = new Map(events.map((e) => [e.storeId, e]));
    assert.deepEqual([...byStore.keys()].sort(), ['s1', 's2']);
    assert.equal(byStore.get('s1')!.stored, '2');
    assert.equal(byStore.get('s1')!.firstOccurredAt, '2026-03-01T08:00:00.000Z');
    assert.equal(byStore.get('s1')!.lastOccurredAt, '2026-03-02T08:00:00.000Z');
    assert.equal(byStore.get('s2')!.stored, '1');
    assert.equal(byStore.get('s2')!.rejected, '1');
    assert.equal(byStore.get('s2')!.source, 'pos');
  });

  test('a failed commit fails the batch (so the bus redelivers it) and announces nothing as committed', async () => {
    const { service, database, bus } = await setUp();
    database.failNextCommit = true;
    await assert.rejects(service.ingestBatch([message(event('s1', 't1'), 's1')]), /connection lost/);
    assert.equal(database.transactions.size, 0);
    assert.equal(bus.on('ingestion.batches.v1').length, 0);
    assert.deepEqual(await service.ingestBatch([message(event('s1', 't1'), 's1')]), { stored: 1, duplicates: 0, rejected: 0 }, 'the redelivery is stored');
  });
});

describe('PosIngestService.ingestDirect (REST POS events of one store)', () => {
  test('answers rejections by index with the field; stores the valid events; no DLQ', async () => {
    const { service, database, bus } = await setUp();
    const payloads = [event('s1', 'x1'), event('s1', 'x2', { lines: [{ sku: 'a', quantity: 1.5, unitPrice: 1 }] }), event('s1', 'x1'), event('s1', 'x3', { extra: true })].map((e) => Buffer.from(JSON.stringify(e)));
    const result = await service.ingestDirect('s1', payloads);
    assert.equal(result.stored, 1);
    assert.equal(result.duplicates, 1);
    assert.deepEqual(
      result.rejected.map((r) => [r.index, r.transactionId, r.fieldPath]),
      [
        [1, 'x2', '/lines/0/quantity'],
        [3, 'x3', '/extra'],
      ],
    );
    assert.match(result.rejected[1].reason, /is not a field of pos.transactions.v1/);
    assert.equal(bus.on('pos.transactions.dlq.v1').length, 0);
    assert.deepEqual([...database.transactions.keys()], ['s1/x1']);
  });

  test('an event for another store than the API key is bound to is refused, naming /storeId', async () => {
    const { service, database } = await setUp();
    const result = await service.ingestDirect('s1', [Buffer.from(JSON.stringify(event('s2', 'y1')))]);
    assert.equal(result.stored, 0);
    assert.equal(result.rejected[0].fieldPath, '/storeId');
    assert.match(result.rejected[0].reason, /not the store "s1"/);
    assert.equal(database.transactions.size, 0);
  });
});
