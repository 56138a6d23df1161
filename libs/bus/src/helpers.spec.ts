import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Partitioners, logLevel } from 'kafkajs';
import { partitionForKey } from './murmur2';
import { Topics, TopicPartitions, TopicSpecs, TOPIC_PARTITIONS } from './topics';
import { kafkaProducerConfig, kafkajsLogCreator, toBusMessage } from './kafka-bus';
import { createJsonLogger } from './logger';
import { backoffDelay, redeliveryDelay } from './bus';

test('partitionForKey matches the Kafka (kafkajs DefaultPartitioner) partition for the same key', () => {
  const partitioner = Partitioners.DefaultPartitioner();
  for (const n of [1, 3, 6, 7]) {
    const partitionMetadata = Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
    for (const key of ['', 'a', 'ab', 'abc', 'abcd', 'store-1', 'store-42', 'Ünïcödé-store', 'x'.repeat(1001)]) {
      const expected = partitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
      assert.equal(partitionForKey(key, n), expected, `key ${JSON.stringify(key.slice(0, 20))} over ${n} partitions`);
    }
  }
});

test('Topics match infra/kafka/topics.txt, which scripts/infra/up.sh creates', () => {
  const file = readFileSync(join(__dirname, '../../../infra/kafka/topics.txt'), 'utf8');
  const fromFile = Object.fromEntries(
    file.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => {
      const [name, n] = l.split(/\s+/);
      return [name, Number(n)];
    }),
  );
  assert.deepEqual(fromFile, { ...TopicPartitions });
  assert.deepEqual(TOPIC_PARTITIONS, TopicPartitions);
  assert.equal(TopicSpecs.length, Object.keys(Topics).length);
  assert.equal(TopicPartitions[Topics.posTransactions], 6);
});

test('the producer is idempotent, one request in flight, Java partitioner, no topic auto-creation', () => {
  const config = kafkaProducerConfig();
  assert.equal(config.idempotent, true);
  assert.equal(config.maxInFlightRequests, 1);
  assert.equal(config.allowAutoTopicCreation, false);
  assert.equal(config.createPartitioner, Partitioners.DefaultPartitioner);
  assert.ok((config.retry?.retries ?? 0) >= 1, 'idempotence needs retries');
});

test('redelivery backoff doubles and is capped', () => {
  assert.deepEqual([1, 2, 3, 4, 10, 100].map((n) => backoffDelay(n, { initialMs: 100, maxMs: 1000 })), [100, 200, 400, 800, 1000, 1000]);
  assert.equal(backoffDelay(1, undefined), 200);
  assert.deepEqual([0, 1, 6, 20].map(redeliveryDelay), [100, 200, 5000, 5000]);
});

test('kafkajs messages become BusMessages: string key and headers, Buffer value', () => {
  const m = toBusMessage('t', 2, {
    key: Buffer.from('store-1'),
    value: null,
    timestamp: '1700000000000',
    attributes: 0,
    offset: '41',
    headers: { a: Buffer.from('x'), b: 'y', c: [Buffer.from('z1'), Buffer.from('z2')], d: undefined },
  } as never);
  assert.deepEqual(m, { topic: 't', partition: 2, offset: '41', key: 'store-1', value: Buffer.alloc(0), headers: { a: 'x', b: 'y', c: 'z1' }, timestamp: '1700000000000' });
  assert.equal(toBusMessage('t', 0, { key: null, value: Buffer.from('v'), timestamp: '1', attributes: 0, offset: '0' } as never).key, null);
});

test('the JSON logger writes one JSON object per line and filters by level', () => {
  const lines: string[] = [];
  const logger = createJsonLogger({ level: 'warn', write: (l) => lines.push(l), base: { service: 's' } });
  logger.info({ a: 1 }, 'dropped');
  logger.warn({ err: new Error('boom'), n: 10n }, 'kept');
  assert.equal(lines.length, 1);
  const entry = JSON.parse(lines[0]);
  assert.equal(entry.level, 'warn');
  assert.equal(entry.msg, 'kept');
  assert.equal(entry.service, 's');
  assert.equal(entry.err.message, 'boom');
  assert.equal(entry.n, '10');
});

test('kafkajs log entries reach the bus logger with their level and fields', () => {
  const got: { level: string; fields: Record<string, unknown>; msg?: string }[] = [];
  const rec = (level: string) => (fields: object, msg?: string) => void got.push({ level, fields: fields as Record<string, unknown>, msg });
  const logFn = kafkajsLogCreator({ error: rec('error'), warn: rec('warn'), info: rec('info'), debug: rec('debug') })(logLevel.INFO);
  logFn({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 'x', message: 'Connection error', broker: 'b:9092' } });
  logFn({ namespace: 'Consumer', level: logLevel.WARN, label: 'WARN', log: { timestamp: 'x', message: 'warned' } });
  assert.deepEqual(got[0], { level: 'error', fields: { component: 'kafkajs', namespace: 'Connection', broker: 'b:9092' }, msg: 'Connection error' });
  assert.equal(got[1].level, 'warn');
  logFn({ namespace: 'Producer', level: logLevel.WARN, label: 'WARN', log: { timestamp: 'x', message: 'Limiting retries for the idempotent producer may invalidate EoS guarantees' } });
  assert.equal(got.length, 2, 'the expected bounded-retries warning is dropped');
});
