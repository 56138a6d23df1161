import { redeliveryDelay, type BatchHandler, type Bus, type BusMessage, type BusRecord, type SubscribeOptions, type Subscription } from './bus';

interface Partition {
  messages: BusMessage[];
  /** Offset of messages[0]; earlier messages were trimmed after every group consumed them. */
  base: number;
  waiters: (() => void)[];
}

interface GroupMember {
  handler: BatchHandler;
  maxBatchSize: number;
  closed: boolean;
  loops: Promise<void>[];
}

interface Group {
  topics: Set<string>;
  members: GroupMember[];
  /** Next offset to deliver, per topic-partition. */
  committed: Map<string, number>;
  fromBeginning: boolean;
}

/** FNV-1a, so a key always lands on the same partition and one store's events stay ordered. */
function partitionFor(key: string | undefined, partitions: number, counter: number): number {
  if (key === undefined) return counter % partitions;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

/**
 * The embedded bus for the all-in-one process, with the Kafka adapter's semantics:
 * per-key ordering through partitions, consumer groups that each see every message once,
 * and at-least-once delivery (a batch whose handler fails is delivered again). Within a
 * group the first live member consumes every partition; the next takes over when it closes.
 */
export function createInProcessBus(options: { partitions?: number } = {}): Bus {
  const partitionCount = options.partitions ?? 6;
  const topics = new Map<string, Partition[]>();
  const groups = new Map<string, Group>();
  let closed = false;
  let published = 0;

  const topic = (name: string) => {
    let partitions = topics.get(name);
    if (!partitions) topics.set(name, (partitions = Array.from({ length: partitionCount }, () => ({ messages: [], base: 0, waiters: [] }))));
    return partitions;
  };

  const trim = (name: string, index: number) => {
    const partition = topic(name)[index];
    let lowest = partition.base + partition.messages.length;
    for (const group of groups.values()) if (group.topics.has(name)) lowest = Math.min(lowest, group.committed.get(`${name}:${index}`) ?? partition.base);
    if (lowest - partition.base > 1000) {
      partition.messages.splice(0, lowest - partition.base);
      partition.base = lowest;
    }
  };

  async function consume(groupId: string, group: Group, member: GroupMember, name: string, index: number) {
    const partition = topic(name)[index];
    const key = `${name}:${index}`;
    let attempt = 0;
    while (!member.closed && !closed) {
      if (group.members.find((m) => !m.closed) !== member) return; // not the active member
      const next = group.committed.get(key) ?? (group.fromBeginning ? partition.base : partition.base + partition.messages.length);
      group.committed.set(key, next);
      const available = partition.base + partition.messages.length - next;
      if (available <= 0) {
        await new Promise<void>((resolve) => partition.waiters.push(resolve));
        continue;
      }
      const start = next - partition.base;
      const batch = partition.messages.slice(start, start + Math.min(available, member.maxBatchSize));
      try {
        await member.handler(batch);
        if (member.closed) return; // a closed member's batch is not committed
        group.committed.set(key, next + batch.length);
        attempt = 0;
        trim(name, index);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, redeliveryDelay(attempt++)));
      }
    }
  }

  return {
    async publish(name, records: BusRecord[]) {
      if (closed) throw new Error('the bus is closed');
      const partitions = topic(name);
      const touched = new Set<Partition>();
      for (const record of records) {
        const index = partitionFor(record.key, partitionCount, published++);
        const partition = partitions[index];
        partition.messages.push({
          topic: name,
          partition: index,
          offset: String(partition.base + partition.messages.length),
          key: record.key ?? null,
          value: Buffer.isBuffer(record.value) ? Buffer.from(record.value) : Buffer.from(record.value),
          headers: { ...(record.headers ?? {}) },
          timestamp: String(Date.now()),
        });
        touched.add(partition);
      }
      for (const partition of touched) partition.waiters.splice(0).forEach((wake) => wake());
    },

    async subscribe(subscribeOptions: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
      let group = groups.get(subscribeOptions.groupId);
      if (!group) groups.set(subscribeOptions.groupId, (group = { topics: new Set(), members: [], committed: new Map(), fromBeginning: subscribeOptions.fromBeginning ?? false }));
      const member: GroupMember = { handler, maxBatchSize: subscribeOptions.maxBatchSize ?? 1000, closed: false, loops: [] };
      const active = group;
      active.members.push(member);
      const start = (m: GroupMember) => {
        for (const name of active.topics) for (let index = 0; index < partitionCount; index++) m.loops.push(consume(subscribeOptions.groupId, active, m, name, index));
      };
      for (const name of subscribeOptions.topics) active.topics.add(name);
      start(member);
      return {
        async close() {
          member.closed = true;
          for (const partitions of topics.values()) for (const partition of partitions) partition.waiters.splice(0).forEach((wake) => wake());
          await Promise.all(member.loops);
          const successor = active.members.find((m) => !m.closed);
          active.members = active.members.filter((m) => !m.closed);
          if (successor) start(successor);
        },
      };
    },

    async healthy() {
      return !closed;
    },

    async close() {
      closed = true;
      for (const group of groups.values()) for (const member of group.members) member.closed = true;
      for (const partitions of topics.values()) for (const partition of partitions) partition.waiters.splice(0).forEach((wake) => wake());
    },
  };
}
