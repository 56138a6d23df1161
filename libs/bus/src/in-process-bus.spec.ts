import assert from 'node:assert/strict';
import { createInProcessBus } from './in-process-bus';
import { partitionForKey } from './murmur2';
import type { BusMessage } from './bus';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitUntil = async (condition: () => boolean, ms = 3000, what = 'condition') => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await sleep(5);
  }
};
const values = (batch: BusMessage[]) => batch.map((m) => m.value.toString());

test('messages with one key arrive in order; each group sees every message once', async () => {
  const bus = createInProcessBus({ partitions: 4 });
  const a: BusMessage[] = [];
  const b: BusMessage[] = [];
  await bus.subscribe({ groupId: 'a', topics: ['t'], fromBeginning: true }, async (batch) => void a.push(...batch));
  await bus.subscribe({ groupId: 'b', topics: ['t'], fromBeginning: true, maxBatchSize: 7 }, async (batch) => void b.push(...batch));
  await bus.publish('t', Array.from({ length: 100 }, (_, i) => ({ key: `store-${i % 5}`, value: String(i), headers: { n: String(i) } })));
  await waitUntil(() => a.length === 100 && b.length === 100);
  await sleep(20);
  assert.equal(a.length, 100, 'no duplicates in group a');
  assert.equal(b.length, 100, 'no duplicates in group b');
  for (const seen of [a, b]) {
    for (let k = 0; k < 5; k++) {
      const mine = seen.filter((m) => m.key === `store-${k}`);
      assert.equal(mine.length, 20);
      assert.deepEqual(mine.map((m) => Number(m.value.toString())), Array.from({ length: 20 }, (_, j) => k + 5 * j), `store-${k} in order`);
      assert.equal(new Set(mine.map((m) => m.partition)).size, 1, 'one key, one partition');
      assert.equal(mine[0].partition, partitionForKey(`store-${k}`, 4));
    }
  }
  assert.equal(a[0].headers.n, a[0].value.toString());
  assert.match(a[0].timestamp, /^\d{13}$/);
  await bus.close();
});

test('batches are single-partition, contiguous, in offset order and at most maxBatchSize long', async () => {
  const bus = createInProcessBus({ partitions: 3 });
  const batches: BusMessage[][] = [];
  await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true, maxBatchSize: 4 }, async (batch) => void batches.push(batch));
  await bus.publish('t', Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 7}`, value: String(i) })));
  await waitUntil(() => batches.flat().length === 30);
  const next = new Map<number, number>();
  for (const batch of batches) {
    assert.ok(batch.length >= 1 && batch.length <= 4, `batch size ${batch.length}`);
    assert.equal(new Set(batch.map((m) => m.partition)).size, 1);
    for (const m of batch) {
      const expected = next.get(m.partition) ?? 0;
      assert.equal(m.offset, String(expected), `partition ${m.partition} offsets contiguous`);
      next.set(m.partition, expected + 1);
    }
  }
  await bus.close();
});

test('a failing handler gets the same batch again after a backoff, and nothing is skipped', async () => {
  const bus = createInProcessBus({ partitions: 1, backoff: { initialMs: 50, maxMs: 200 } });
  const deliveries: { at: number; values: string[] }[] = [];
  const seen: string[] = [];
  let failures = 0;
  await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true, maxBatchSize: 5 }, async (batch) => {
    deliveries.push({ at: Date.now(), values: values(batch) });
    if (batch.some((m) => m.value.toString() === '7') && failures < 2) {
      failures++;
      throw new Error('database down');
    }
    seen.push(...values(batch));
  });
  await bus.publish('t', Array.from({ length: 12 }, (_, i) => ({ key: 'k', value: String(i) })));
  await waitUntil(() => seen.length === 12, 5000);
  assert.equal(failures, 2);
  assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => String(i)));
  const failing = deliveries.filter((d) => d.values.includes('7'));
  assert.equal(failing.length, 3, 'delivered three times: two failures, one success');
  assert.deepEqual(failing[1].values, failing[0].values, 'same batch redelivered');
  assert.deepEqual(failing[2].values, failing[0].values, 'same batch redelivered');
  assert.ok(failing[1].at - failing[0].at >= 45, `first backoff ${failing[1].at - failing[0].at} ms`);
  assert.ok(failing[2].at - failing[1].at >= 95, `second backoff doubles: ${failing[2].at - failing[1].at} ms`);
  await bus.close();
});

test('a failure on one partition does not hold back the others', async () => {
  const bus = createInProcessBus({ partitions: 2, backoff: { initialMs: 10_000, maxMs: 10_000 } });
  const keyA = 'a';
  const pA = partitionForKey(keyA, 2);
  let keyB = 'b';
  for (let i = 0; partitionForKey(keyB, 2) === pA; i++) keyB = `b${i}`;
  const seen: string[] = [];
  await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true }, async (batch) => {
    if (batch[0].key === keyA) throw new Error('poison');
    seen.push(...values(batch));
  });
  await bus.publish('t', [{ key: keyA, value: 'x' }, { key: keyB, value: 'y' }]);
  await waitUntil(() => seen.length === 1);
  assert.deepEqual(seen, ['y']);
  await bus.close(); // also cancels the pending 10 s redelivery timer
});

test('within a group each partition goes to one member; members split the partitions', async () => {
  const bus = createInProcessBus({ partitions: 4 });
  const got = new Map<string, BusMessage[]>([['m1', []], ['m2', []]]);
  for (const name of ['m1', 'm2']) {
    await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true }, async (batch) => void got.get(name)!.push(...batch));
  }
  await bus.publish('t', Array.from({ length: 80 }, (_, i) => ({ key: `store-${i}`, value: String(i) })));
  await waitUntil(() => got.get('m1')!.length + got.get('m2')!.length === 80);
  await sleep(20);
  const all = [...got.get('m1')!, ...got.get('m2')!].map((m) => m.value.toString());
  assert.equal(new Set(all).size, 80, 'every message once within the group');
  assert.equal(all.length, 80);
  const p1 = new Set(got.get('m1')!.map((m) => m.partition));
  const p2 = new Set(got.get('m2')!.map((m) => m.partition));
  assert.ok(p1.size > 0 && p2.size > 0, 'both members consume');
  for (const p of p1) assert.ok(!p2.has(p), `partition ${p} owned by one member only`);
  await bus.close();
});

test('a closed member hands its partitions to the rest of the group, from the committed offset', async () => {
  const bus = createInProcessBus({ partitions: 2 });
  const first: string[] = [];
  const second: string[] = [];
  const sub1 = await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true }, async (batch) => void first.push(...values(batch)));
  await bus.publish('t', Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `a${i}` })));
  await waitUntil(() => first.length === 10);
  await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true }, async (batch) => void second.push(...values(batch)));
  await sub1.close();
  await bus.publish('t', Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `b${i}` })));
  await waitUntil(() => second.length === 10);
  await sleep(20);
  assert.deepEqual(second.sort(), Array.from({ length: 10 }, (_, i) => `b${i}`).sort(), 'only what was not committed');
  assert.equal(first.length, 10);
  await bus.close();
});

test('close() waits for the in-flight batch and commits it when the handler succeeds', async () => {
  const bus = createInProcessBus({ partitions: 1 });
  let release!: () => void;
  const started: string[][] = [];
  const sub = await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true }, async (batch) => {
    started.push(values(batch));
    await new Promise<void>((r) => (release = r));
  });
  await bus.publish('t', [{ value: 'one' }]);
  await waitUntil(() => started.length === 1);
  let closed = false;
  const closing = sub.close().then(() => (closed = true));
  await sleep(30);
  assert.equal(closed, false, 'close waits for the handler');
  release();
  await closing;
  const later: string[] = [];
  await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true }, async (batch) => void later.push(...values(batch)));
  await bus.publish('t', [{ value: 'two' }]);
  await waitUntil(() => later.length >= 1);
  await sleep(20);
  assert.deepEqual(later, ['two'], 'the batch finished during close was committed');
  await bus.close();
});

test('a batch whose handler fails while closing is not committed: the next member gets it again', async () => {
  const bus = createInProcessBus({ partitions: 1, backoff: { initialMs: 10, maxMs: 10 } });
  let fail!: (e: Error) => void;
  const sub = await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true, maxBatchSize: 2 }, async (batch) => {
    if (batch[0].offset === '0') return; // first batch commits
    await new Promise<void>((_, reject) => (fail = reject));
  });
  await bus.publish('t', ['m0', 'm1', 'm2', 'm3', 'm4'].map((value) => ({ value })));
  await waitUntil(() => fail !== undefined);
  const closing = sub.close();
  fail(new Error('crash before the database commit'));
  await closing;
  const again: BusMessage[] = [];
  await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true }, async (batch) => void again.push(...batch));
  await waitUntil(() => again.length === 3);
  assert.deepEqual(again.map((m) => m.offset), ['2', '3', '4']);
  await bus.close();
});

test("one subscriber's handler is never called concurrently", async () => {
  const bus = createInProcessBus({ partitions: 6 });
  let active = 0;
  let maxActive = 0;
  let count = 0;
  await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true, maxBatchSize: 3 }, async (batch) => {
    active++;
    maxActive = Math.max(maxActive, active);
    await sleep(1);
    count += batch.length;
    active--;
  });
  await bus.publish('t', Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, value: String(i) })));
  await waitUntil(() => count === 60);
  assert.equal(maxActive, 1);
  await bus.close();
});

test('without fromBeginning a new group starts at the end; with it, at the oldest retained message', async () => {
  const bus = createInProcessBus({ partitions: 1, maxRetainedPerPartition: 3 });
  await bus.publish('t', ['o1', 'o2', 'o3', 'o4', 'o5'].map((value) => ({ value })));
  const late: string[] = [];
  const early: string[] = [];
  await bus.subscribe({ groupId: 'late', topics: ['t'] }, async (batch) => void late.push(...values(batch)));
  await bus.subscribe({ groupId: 'early', topics: ['t'], fromBeginning: true }, async (batch) => void early.push(...values(batch)));
  await waitUntil(() => early.length === 3);
  await bus.publish('t', [{ value: 'new' }]);
  await waitUntil(() => late.length === 1 && early.length === 4);
  assert.deepEqual(late, ['new']);
  assert.deepEqual(early, ['o3', 'o4', 'o5', 'new'], 'retention kept the last 3 before the group came');
  await bus.close();
});

test('a message is delivered after subscribe() resolves, never during publish()', async () => {
  const bus = createInProcessBus({ partitions: 1 });
  const seen: string[] = [];
  await bus.subscribe({ groupId: 'g', topics: ['t'] }, async (batch) => void seen.push(...values(batch)));
  const published = bus.publish('t', [{ value: 'v', key: 'k' }]);
  assert.equal(seen.length, 0);
  await published;
  await waitUntil(() => seen.length === 1);
  await bus.close();
});

test('the publisher cannot change a message after publishing it', async () => {
  const bus = createInProcessBus({ partitions: 1 });
  const seen: string[] = [];
  await bus.subscribe({ groupId: 'g', topics: ['t'] }, async (batch) => void seen.push(...values(batch)));
  const buf = Buffer.from('abc');
  await bus.publish('t', [{ value: buf }]);
  buf.write('xyz');
  await waitUntil(() => seen.length === 1);
  assert.deepEqual(seen, ['abc']);
  await bus.close();
});

test('close() stops everything: publish and subscribe reject, healthy() is false', async () => {
  const bus = createInProcessBus();
  assert.equal(await bus.healthy(), true);
  await bus.subscribe({ groupId: 'g', topics: ['t'] }, async () => {});
  await bus.close();
  assert.equal(await bus.healthy(), false);
  await assert.rejects(bus.publish('t', [{ value: 'x' }]), /closed/);
  await assert.rejects(bus.subscribe({ groupId: 'g', topics: ['t'] }, async () => {}), /closed/);
  await bus.close(); // idempotent
});

test('bad subscribe options and records are rejected', async () => {
  const bus = createInProcessBus();
  await assert.rejects(bus.subscribe({ groupId: '', topics: ['t'] }, async () => {}), /groupId/);
  await assert.rejects(bus.subscribe({ groupId: 'g', topics: [] }, async () => {}), /topics/);
  await assert.rejects(bus.subscribe({ groupId: 'g', topics: ['t'], maxBatchSize: 0 }, async () => {}), /maxBatchSize/);
  await assert.rejects(bus.publish('t', [{ value: 'ok' }, { value: 'bad', headers: { h: 1 as unknown as string } }]), /header/);
  const seen: string[] = [];
  await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true }, async (batch) => void seen.push(...values(batch)));
  await sleep(20);
  assert.deepEqual(seen, [], 'a rejected publish published nothing');
  await bus.close();
});

test('service topics get their partition counts', async () => {
  const bus = createInProcessBus({ partitions: 1 });
  const partitions = new Set<number>();
  await bus.subscribe({ groupId: 'g', topics: ['pos.transactions.v1'] }, async (batch) => void batch.forEach((m) => partitions.add(m.partition)));
  await bus.publish('pos.transactions.v1', Array.from({ length: 200 }, (_, i) => ({ key: `store-${i}`, value: 'x' })));
  await waitUntil(() => partitions.size === 6);
  assert.deepEqual([...partitions].sort(), [0, 1, 2, 3, 4, 5]);
  await bus.close();
});
