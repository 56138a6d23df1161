import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInProcessBus } from './in-process-bus';
import type { BusMessage } from './bus';

const waitUntil = async (condition: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
};

test('messages with one key arrive in order; each group sees every message once', async () => {
  const bus = createInProcessBus({ partitions: 4 });
  const a: string[] = [];
  const b: string[] = [];
  await bus.subscribe({ groupId: 'a', topics: ['t'], fromBeginning: true }, async (batch) => void a.push(...batch.map((m) => `${m.key}:${m.value}`)));
  await bus.subscribe({ groupId: 'b', topics: ['t'], fromBeginning: true }, async (batch) => void b.push(...batch.map((m) => `${m.key}:${m.value}`)));
  await bus.publish('t', Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 3}`, value: String(i) })));
  await waitUntil(() => a.length === 100 && b.length === 100);
  for (const key of ['k0', 'k1', 'k2']) {
    const values = a.filter((v) => v.startsWith(key + ':')).map((v) => Number(v.split(':')[1]));
    assert.deepEqual(values, [...values].sort((x, y) => x - y));
  }
  assert.deepEqual([...a].sort(), [...b].sort());
  await bus.close();
});

test('a failing handler gets the same batch again and nothing is skipped', async () => {
  const bus = createInProcessBus({ partitions: 1 });
  const seen: string[] = [];
  let failures = 0;
  await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true, maxBatchSize: 5 }, async (batch: BusMessage[]) => {
    if (batch.some((m) => m.value.toString() === '7') && failures < 2) {
      failures++;
      throw new Error('database down');
    }
    seen.push(...batch.map((m) => m.value.toString()));
  });
  await bus.publish('t', Array.from({ length: 12 }, (_, i) => ({ key: 'k', value: String(i) })));
  await waitUntil(() => seen.length === 12, 5000);
  assert.equal(failures, 2);
  assert.deepEqual(seen, Array.from({ length: 12 }, (_, i) => String(i)));
  await bus.close();
});

test('a closed member hands its partitions to the next member of the group, from the committed offset', async () => {
  const bus = createInProcessBus({ partitions: 2 });
  const first: string[] = [];
  const second: string[] = [];
  const sub1 = await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true }, async (batch) => void first.push(...batch.map((m) => m.value.toString())));
  await bus.subscribe({ groupId: 'g', topics: ['t'], fromBeginning: true }, async (batch) => void second.push(...batch.map((m) => m.value.toString())));
  await bus.publish('t', [{ value: 'a' }, { value: 'b' }]);
  await waitUntil(() => first.length === 2);
  assert.equal(second.length, 0, 'one member of a group consumes');
  await sub1.close();
  await bus.publish('t', [{ value: 'c' }, { value: 'd' }]);
  await waitUntil(() => second.length === 2);
  assert.deepEqual(second.sort(), ['c', 'd']);
  await bus.close();
});

test('without fromBeginning a new group starts at the end', async () => {
  const bus = createInProcessBus({ partitions: 1 });
  await bus.publish('t', [{ value: 'old' }]);
  const seen: string[] = [];
  await bus.subscribe({ groupId: 'late', topics: ['t'] }, async (batch) => void seen.push(...batch.map((m) => m.value.toString())));
  await new Promise((r) => setTimeout(r, 20));
  await bus.publish('t', [{ value: 'new' }]);
  await waitUntil(() => seen.length === 1);
  assert.deepEqual(seen, ['new']);
  await bus.close();
});
