import assert from 'node:assert/strict';
import { createInProcessBus } from './in-process-bus';
import { namespacedBus } from './namespaced-bus';
import type { BusMessage } from './bus';

const waitUntil = async (condition: () => boolean, what: string) => {
  const deadline = Date.now() + 3000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not reached`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

test('two namespaces on one bus: same topic and group names, and neither reads the other', async () => {
  const shared = createInProcessBus({ partitions: 2 });
  const nodeA = namespacedBus(shared, 'store-a');
  const nodeB = namespacedBus(shared, 'store-b');
  const seenA: BusMessage[] = [];
  const seenB: BusMessage[] = [];
  const raw: BusMessage[] = [];
  await nodeA.subscribe({ groupId: 'tessera-ingestion-erasure', topics: ['erasure.requests.v1'], fromBeginning: true }, async (batch) => void seenA.push(...batch));
  await nodeB.subscribe({ groupId: 'tessera-ingestion-erasure', topics: ['erasure.requests.v1'], fromBeginning: true }, async (batch) => void seenB.push(...batch));
  await shared.subscribe({ groupId: 'observer', topics: ['store-a.erasure.requests.v1', 'erasure.requests.v1'], fromBeginning: true }, async (batch) => void raw.push(...batch));
  await nodeA.publish('erasure.requests.v1', [{ key: 'store-a', value: 'for a' }]);
  await nodeB.publish('erasure.requests.v1', [{ key: 'store-b', value: 'for b' }]);
  await waitUntil(() => seenA.length === 1 && seenB.length === 1 && raw.length === 1, 'deliveries');
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(seenA.map((m) => [m.topic, m.value.toString()]), [['erasure.requests.v1', 'for a']], 'A sees only its own, under the plain topic name');
  assert.deepEqual(seenB.map((m) => [m.topic, m.value.toString()]), [['erasure.requests.v1', 'for b']]);
  assert.deepEqual(raw.map((m) => m.topic), ['store-a.erasure.requests.v1'], 'on the wire the topic carries the namespace; nothing went to the plain name');
  await shared.close();
});

test('a namespace that would make an illegal Kafka name is refused', () => {
  const bus = createInProcessBus();
  for (const bad of ['', 'a.b', 'has space', 'x'.repeat(65), 'é']) assert.throws(() => namespacedBus(bus, bad), /must be 1-64 letters, digits, _ or -/, JSON.stringify(bad));
  void bus.close();
});
