// Integration tests against the real broker that scripts/infra/up.sh starts (KAFKA_BROKERS, default 127.0.0.1:9092).
// Every test makes its own topics and groups (unique per run) and the topics are deleted at the end.
import assert from 'node:assert/strict';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { createKafkaBus, ensureTopics, KafkaBusOptions } from './kafka-bus';
import { createJsonLogger } from './logger';
import { partitionForKey } from './murmur2';
import type { Bus, BusMessage } from './bus';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const run = `${Date.now().toString(36)}-${process.pid}`;
const created: string[] = [];
const buses: Bus[] = [];
const logLines: string[] = [];
let admin: Admin;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitUntil = async (condition: () => boolean, ms = 20_000, what = 'condition') => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await sleep(20);
  }
};
const values = (batch: BusMessage[]) => batch.map((m) => m.value.toString());

async function makeTopic(name: string, partitions: number): Promise<string> {
  const topic = `test.bus.${name}.${run}`;
  await ensureTopics(brokers, [{ topic, partitions }]);
  created.push(topic);
  return topic;
}
const group = (name: string) => `test-bus-${name}-${run}`;

/** Fast timings for tests: quick heartbeats and rebalances, short redelivery backoff. Logs kept for failures. */
function makeBus(extra: Partial<KafkaBusOptions> = {}): Bus {
  const bus = createKafkaBus({
    brokers,
    clientId: `bus-int-${run}`,
    logger: createJsonLogger({ level: 'warn', write: (l) => logLines.push(l) }),
    consumer: { sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100, closeTimeoutMs: 10_000 },
    backoff: { initialMs: 300, maxMs: 1_000 },
    ...extra,
  });
  buses.push(bus);
  return bus;
}

async function committed(groupId: string, topic: string): Promise<Record<number, string>> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries(t.partitions.map((p) => [p.partition, p.offset]));
}

beforeAll(async () => {
  admin = new Kafka({ clientId: `bus-int-admin-${run}`, brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
});

afterAll(async () => {
  await Promise.allSettled(buses.map((b) => b.close()));
  if (created.length) await admin.deleteTopics({ topics: created }).catch(() => {});
  await admin.disconnect();
  if (process.env.BUS_TEST_LOGS) for (const l of logLines) console.error(l);
});

test('publish/consume round trip: keys, headers, values, per-key order, partition by key', async () => {
  const topic = await makeTopic('roundtrip', 3);
  const bus = makeBus();
  const records = Array.from({ length: 30 }, (_, i) => ({
    key: `store-${i % 4}`,
    value: i % 2 ? `text-${i}` : Buffer.from([0, 1, 2, i]),
    headers: { 'event-type': 'pos.transaction', seq: String(i) },
  }));
  await bus.publish(topic, records);
  const got: BusMessage[] = [];
  await bus.subscribe({ groupId: group('roundtrip'), topics: [topic], fromBeginning: true }, async (batch) => {
    assert.equal(new Set(batch.map((m) => m.partition)).size, 1, 'a batch is one partition');
    got.push(...batch);
  });
  await waitUntil(() => got.length >= 30, 20_000, '30 messages');
  await sleep(300);
  assert.equal(got.length, 30, 'each message once');
  for (let k = 0; k < 4; k++) {
    const mine = got.filter((m) => m.key === `store-${k}`);
    assert.deepEqual(mine.map((m) => Number(m.headers.seq)), Array.from({ length: mine.length }, (_, j) => k + 4 * j), `store-${k} in publish order`);
    for (const m of mine) assert.equal(m.partition, partitionForKey(`store-${k}`, 3), 'same partition as the in-process bus would pick');
  }
  for (const m of got) {
    const i = Number(m.headers.seq);
    assert.ok(Buffer.isBuffer(m.value));
    assert.deepEqual(m.value, i % 2 ? Buffer.from(`text-${i}`) : Buffer.from([0, 1, 2, i]));
    assert.equal(m.headers['event-type'], 'pos.transaction');
    assert.equal(m.topic, topic);
    assert.match(m.offset, /^\d+$/);
    assert.ok(Math.abs(Number(m.timestamp) - Date.now()) < 60_000, 'timestamp is epoch ms');
  }
  // Offsets are committed after the handler: the group's position is the end of each partition.
  const positions = await committed(group('roundtrip'), topic);
  const ends = await admin.fetchTopicOffsets(topic);
  for (const e of ends) assert.equal(positions[e.partition], e.high, `partition ${e.partition} committed to its end`);
});

test('a handler that throws once gets the same batch again after the backoff', async () => {
  const topic = await makeTopic('redeliver', 1);
  const bus = makeBus();
  await bus.publish(topic, Array.from({ length: 10 }, (_, i) => ({ key: 'store-1', value: `m${i}` })));
  const deliveries: { at: number; offsets: string[]; values: string[] }[] = [];
  let thrown = 0;
  const done: string[] = [];
  const groupId = group('redeliver');
  await bus.subscribe({ groupId, topics: [topic], fromBeginning: true }, async (batch) => {
    deliveries.push({ at: Date.now(), offsets: batch.map((m) => m.offset), values: values(batch) });
    if (thrown === 0) {
      thrown++;
      throw new Error('database unavailable');
    }
    done.push(...values(batch));
  });
  await waitUntil(() => done.length >= 10, 20_000, 'all 10 handled');
  assert.equal(thrown, 1);
  assert.ok(deliveries.length >= 2);
  const [first, second] = deliveries;
  assert.equal(second.offsets[0], first.offsets[0], 'redelivery starts at the first uncommitted offset');
  assert.deepEqual(second.values.slice(0, first.values.length), first.values, 'the same batch again');
  assert.ok(second.at - first.at >= 250, `redelivered after the backoff (${second.at - first.at} ms)`);
  assert.deepEqual(done, Array.from({ length: 10 }, (_, i) => `m${i}`), 'nothing skipped, nothing twice after success');
  assert.deepEqual(await committed(groupId, topic), { 0: '10' });
  assert.ok(logLines.some((l) => l.includes('bus handler failed')), 'the failure was logged');
});

test('offsets are not committed when the handler fails; after a crash-like stop the group gets them again', async () => {
  const topic = await makeTopic('crash', 1);
  const groupId = group('crash');
  const busA = makeBus();
  await busA.publish(topic, Array.from({ length: 10 }, (_, i) => ({ key: 'store-9', value: `m${i}` })));
  const handledA: string[] = [];
  let inSecondBatch: ((err: Error) => void) | undefined;
  const subA = await busA.subscribe({ groupId, topics: [topic], fromBeginning: true, maxBatchSize: 4 }, async (batch) => {
    if (batch[0].offset === '0') {
      handledA.push(...batch.map((m) => m.offset)); // first batch: success, committed
      return;
    }
    // Second batch: the "process" dies before its database transaction commits.
    await new Promise<void>((_, reject) => (inSecondBatch = reject));
  });
  try {
    await waitUntil(() => inSecondBatch !== undefined, 20_000, 'second batch in flight');
    assert.deepEqual(handledA, ['0', '1', '2', '3']);
    assert.deepEqual(await committed(groupId, topic), { 0: '4' }, 'only the first batch is committed');
  } catch (err) {
    inSecondBatch?.(new Error('test failed'));
    throw err;
  }

  const closing = subA.close();
  inSecondBatch!(new Error('killed'));
  await closing;
  assert.deepEqual(await committed(groupId, topic), { 0: '4' }, 'the failed batch was not committed on the way out');

  const busB = makeBus();
  const handledB: BusMessage[] = [];
  await busB.subscribe({ groupId, topics: [topic], fromBeginning: true }, async (batch) => void handledB.push(...batch));
  await waitUntil(() => handledB.length >= 6, 20_000, 'redelivery to the new consumer');
  await sleep(300);
  assert.deepEqual(handledB.map((m) => m.offset), ['4', '5', '6', '7', '8', '9'], 'the uncommitted messages, once, in order');
  assert.deepEqual(await committed(groupId, topic), { 0: '10' });
});

test('close() lets the in-flight batch finish and commits it', async () => {
  const topic = await makeTopic('graceful', 1);
  const groupId = group('graceful');
  const bus = makeBus();
  await bus.publish(topic, Array.from({ length: 5 }, (_, i) => ({ value: `m${i}` })));
  let started = false;
  let finished = false;
  const sub = await bus.subscribe({ groupId, topics: [topic], fromBeginning: true }, async () => {
    started = true;
    await sleep(700);
    finished = true;
  });
  await waitUntil(() => started, 20_000, 'handler started');
  await sub.close();
  assert.equal(finished, true, 'close waited for the handler');
  assert.deepEqual(await committed(groupId, topic), { 0: '5' });
});

test('the producer is idempotent: its record batches carry a producer id (a plain producer\'s do not)', async () => {
  const topic = await makeTopic('idempotent', 1);
  const bus = makeBus();
  await bus.publish(topic, [{ key: 'k', value: 'from-bus' }]);
  const kafka = new Kafka({ clientId: `bus-int-plain-${run}`, brokers, logLevel: logLevel.NOTHING });
  const plain = kafka.producer({ allowAutoTopicCreation: false });
  await plain.connect();
  await plain.send({ topic, messages: [{ key: 'k', value: 'from-plain' }], acks: -1 });
  await plain.disconnect();

  const producerIds = new Map<string, string>();
  const raw = kafka.consumer({ groupId: group('idempotent-raw'), maxWaitTimeInMs: 100 });
  await raw.connect();
  await raw.subscribe({ topic, fromBeginning: true });
  await raw.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        const ctx = (m as unknown as { batchContext: { producerId: string } }).batchContext;
        producerIds.set(m.value!.toString(), String(ctx.producerId));
      }
    },
  });
  try {
    await waitUntil(() => producerIds.size === 2, 20_000, 'both messages read');
  } finally {
    await raw.disconnect();
  }
  assert.ok(Number(producerIds.get('from-bus')) >= 0, `bus producer id ${producerIds.get('from-bus')}`);
  assert.equal(producerIds.get('from-plain'), '-1', 'a non-idempotent producer has no producer id');
});

test('two consumers in one group split the partitions between them', async () => {
  const topic = await makeTopic('split', 4);
  const groupId = group('split');
  const got = { a: [] as BusMessage[], b: [] as BusMessage[] };
  const busA = makeBus();
  const busB = makeBus();
  await busA.subscribe({ groupId, topics: [topic], fromBeginning: true }, async (batch) => void got.a.push(...batch));
  // Resolves once B has joined, i.e. after the rebalance that gives it its share.
  await busB.subscribe({ groupId, topics: [topic], fromBeginning: true }, async (batch) => void got.b.push(...batch));
  await busA.publish(topic, Array.from({ length: 80 }, (_, i) => ({ key: `store-${i}`, value: String(i) })));
  await waitUntil(() => got.a.length + got.b.length >= 80, 20_000, '80 messages');
  await sleep(500);
  const pa = new Set(got.a.map((m) => m.partition));
  const pb = new Set(got.b.map((m) => m.partition));
  assert.ok(pa.size > 0 && pb.size > 0, `both consume (a: ${[...pa]}, b: ${[...pb]})`);
  for (const p of pa) assert.ok(!pb.has(p), `partition ${p} belongs to one member`);
  assert.deepEqual([...pa, ...pb].sort(), [0, 1, 2, 3]);
  const all = [...got.a, ...got.b].map((m) => m.value.toString());
  assert.equal(all.length, 80, 'each message once in the group');
  assert.equal(new Set(all).size, 80);
});

test('healthy() is true against the broker, false for an unreachable one and after close()', async () => {
  const bus = makeBus();
  assert.equal(await bus.healthy(), true);
  const nowhere = makeBus({ brokers: ['127.0.0.1:1'], connectionTimeout: 300 });
  assert.equal(await nowhere.healthy(), false);
  await bus.close();
  assert.equal(await bus.healthy(), false);
  await assert.rejects(bus.publish('x', [{ value: 'v' }]), /closed/);
});

test('publishing to a topic that does not exist fails (no auto-creation)', async () => {
  const bus = makeBus({ producerRetries: 1 });
  await assert.rejects(bus.publish(`test.bus.missing.${run}`, [{ value: 'v' }]));
  const topics = await admin.listTopics();
  assert.ok(!topics.includes(`test.bus.missing.${run}`), 'the topic was not created');
});

test('ensureTopics creates, is idempotent, and grows partition counts', async () => {
  const topic = `test.bus.ensure.${run}`;
  created.push(topic);
  assert.deepEqual(await ensureTopics(brokers, [{ topic, partitions: 2 }]), [topic]);
  assert.deepEqual(await ensureTopics(brokers, [{ topic, partitions: 2 }]), []);
  await ensureTopics(brokers, [{ topic, partitions: 3 }]);
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  assert.equal(meta.topics[0].partitions.length, 3);
});
