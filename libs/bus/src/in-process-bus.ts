import { BusLogger, BusLogLevel, filterLogger, silentLogger } from './logger';
import { partitionForKey } from './murmur2';
import { TopicPartitions } from './topics';
import {
  BatchHandler,
  Bus,
  BusMessage,
  BusRecord,
  DEFAULT_MAX_BATCH_SIZE,
  RedeliveryBackoff,
  SubscribeOptions,
  Subscription,
  backoffDelay,
  toBuffer,
  validateSubscribeOptions,
} from './bus';

export interface InProcessBusOptions {
  /** Partitions of a topic not listed in `topicPartitions` (default 3). Topics are created on first use. */
  partitions?: number;
  /** Partition count per topic; defaults to the service topics' counts (TopicPartitions). */
  topicPartitions?: Record<string, number>;
  /** Redelivery backoff after a handler failure (default 100 ms doubling to 5 s). */
  backoff?: RedeliveryBackoff;
  /**
   * Messages kept per partition at most. Messages every group has committed are dropped at once; this caps
   * what is kept for groups that have not subscribed yet (fromBeginning) or lag behind. Default 100000.
   */
  maxRetainedPerPartition?: number;
  logger?: BusLogger;
  /** Default 'warn' (only with a logger). */
  logLevel?: BusLogLevel;
}

interface StoredRecord {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: string;
}

class PartitionLog {
  /** Offset of records[0]. */
  base = 0;
  records: StoredRecord[] = [];
  get end(): number {
    return this.base + this.records.length;
  }
  trimTo(offset: number): void {
    if (offset <= this.base) return;
    const drop = Math.min(offset - this.base, this.records.length);
    this.records.splice(0, drop);
    this.base += drop;
  }
}

interface TopicState {
  name: string;
  partitions: PartitionLog[];
  roundRobin: number;
}

/** One subscribe() call: a member of its group. Its handler is never called concurrently. */
class Member {
  closing = false;
  /** Resolves when the member's current handler call (if any) has finished. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: number,
    readonly group: Group,
    readonly topics: ReadonlySet<string>,
    readonly maxBatchSize: number,
    private readonly handler: BatchHandler,
  ) {}

  /** 'ok' committed, 'failed' handler threw, 'skipped' the member was closing before its turn came. */
  deliver(batch: BusMessage[], onError: (err: unknown) => void): Promise<'ok' | 'failed' | 'skipped'> {
    const run = this.tail.then(async () => {
      if (this.closing) return 'skipped' as const;
      try {
        await this.handler(batch);
        return 'ok' as const;
      } catch (err) {
        onError(err);
        return 'failed' as const;
      }
    });
    this.tail = run;
    return run;
  }

  /** Waits until no handler call of this member is running or queued. */
  async drained(): Promise<void> {
    let seen: Promise<unknown>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }
}

/** A group's position in one topic-partition, and the loop that delivers it to the owning member. */
class GroupPartition {
  owner: Member | undefined;
  running = false;
  failures = 0;
  retryAt = 0;
  timer: NodeJS.Timeout | undefined;
  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Next offset to deliver = committed offset (Kafka's convention). */
    public committed: number,
  ) {}
}

class Group {
  members: Member[] = [];
  parts = new Map<string, GroupPartition>();
  constructor(readonly id: string) {}
}

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * In-memory bus for the all-in-one embedded mode and unit tests. Same contract as the Kafka adapter:
 * per-partition order, commit after the handler resolves, redelivery after a backoff when it throws,
 * consumer groups (every group gets every message; within a group each partition has one subscriber).
 * Nothing survives the process.
 */
export function createInProcessBus(options: InProcessBusOptions = {}): Bus {
  return new InProcessBus(options);
}

class InProcessBus implements Bus {
  private readonly topics = new Map<string, TopicState>();
  private readonly groups = new Map<string, Group>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly log: BusLogger;
  private readonly defaultPartitions: number;
  private readonly topicPartitions: Record<string, number>;
  private readonly backoff: RedeliveryBackoff;
  private readonly maxRetained: number;
  private nextMemberId = 1;
  private closed = false;

  constructor(opts: InProcessBusOptions) {
    this.log = opts.logger ? filterLogger(opts.logger, opts.logLevel ?? 'warn') : silentLogger;
    this.defaultPartitions = opts.partitions ?? 3;
    if (!(Number.isInteger(this.defaultPartitions) && this.defaultPartitions > 0)) throw new Error(`partitions must be a positive integer`);
    this.topicPartitions = { ...TopicPartitions, ...opts.topicPartitions };
    this.backoff = { initialMs: opts.backoff?.initialMs ?? 100, maxMs: opts.backoff?.maxMs ?? 5_000 };
    this.maxRetained = opts.maxRetainedPerPartition ?? 100_000;
  }

  async publish(topic: string, records: BusRecord[]): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    if (!topic) throw new Error('publish: topic is required');
    if (records.length === 0) return;
    const state = this.topic(topic);
    const n = state.partitions.length;
    // Validate and copy everything first so a bad record publishes nothing.
    const prepared = records.map((r) => {
      if (r.value === undefined || r.value === null) throw new Error('publish: record value is required');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers ?? {})) {
        if (typeof v !== 'string') throw new Error(`publish: header ${k} must be a string`);
        headers[k] = v;
      }
      const key = r.key ?? null;
      const partition = key !== null ? partitionForKey(key, n) : state.roundRobin++ % n;
      return { partition, record: { key, value: Buffer.from(toBuffer(r.value)), headers, timestamp: String(Date.now()) } };
    });
    const touched = new Set<number>();
    for (const { partition, record } of prepared) {
      const log = state.partitions[partition];
      log.records.push(record);
      if (log.records.length > this.maxRetained) log.trimTo(log.end - this.maxRetained);
      touched.add(partition);
    }
    for (const group of this.groups.values()) {
      for (const p of touched) {
        const gp = group.parts.get(tpKey(topic, p));
        if (gp) this.kick(gp);
      }
    }
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    if (this.closed) throw new Error('bus is closed');
    validateSubscribeOptions(options);
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = new Group(options.groupId);
      this.groups.set(group.id, group);
    }
    for (const name of options.topics) {
      const state = this.topic(name);
      state.partitions.forEach((log, p) => {
        const key = tpKey(name, p);
        // A group with no position yet starts at the oldest retained message or at the end.
        if (!group!.parts.has(key)) group!.parts.set(key, new GroupPartition(name, p, options.fromBeginning ? log.base : log.end));
      });
    }
    const member = new Member(this.nextMemberId++, group, new Set(options.topics), options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE, handler);
    group.members.push(member);
    this.rebalance(group);

    let closing: Promise<void> | undefined;
    const subscription: Subscription = {
      close: () => {
        closing ??= (async () => {
          member.closing = true;
          this.rebalance(member.group);
          await member.drained();
          member.group.members = member.group.members.filter((m) => m !== member);
          this.subscriptions.delete(subscription);
        })();
        return closing;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async healthy(): Promise<boolean> {
    return !this.closed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    for (const group of this.groups.values()) {
      for (const gp of group.parts.values()) {
        if (gp.timer) clearTimeout(gp.timer);
        gp.timer = undefined;
      }
    }
  }

  private topic(name: string): TopicState {
    let state = this.topics.get(name);
    if (!state) {
      const n = this.topicPartitions[name] ?? this.defaultPartitions;
      state = { name, partitions: Array.from({ length: n }, () => new PartitionLog()), roundRobin: 0 };
      this.topics.set(name, state);
    }
    return state;
  }

  /** Partition p of each topic goes to the (p mod n)-th of the n live members subscribed to it. */
  private rebalance(group: Group): void {
    for (const gp of group.parts.values()) {
      const eligible = group.members.filter((m) => !m.closing && m.topics.has(gp.topic));
      gp.owner = eligible.length ? eligible[gp.partition % eligible.length] : undefined;
      this.kick(gp);
    }
  }

  private kick(gp: GroupPartition): void {
    if (gp.running || this.closed || !gp.owner) return;
    const wait = gp.retryAt - Date.now();
    if (wait > 0) {
      gp.timer ??= setTimeout(() => {
        gp.timer = undefined;
        this.kick(gp);
      }, wait);
      return;
    }
    gp.running = true;
    // Never run a handler inside publish()/subscribe(): start on a later turn of the event loop.
    setImmediate(() => {
      this.pump(gp).catch((err) => this.log.error({ err, topic: gp.topic, partition: gp.partition }, 'in-process bus delivery loop failed'));
    });
  }

  private async pump(gp: GroupPartition): Promise<void> {
    const log = this.topics.get(gp.topic)!.partitions[gp.partition];
    try {
      for (;;) {
        const owner = gp.owner;
        if (this.closed || !owner) return;
        if (gp.retryAt > Date.now()) {
          gp.running = false;
          this.kick(gp); // arms the retry timer
          return;
        }
        if (gp.committed < log.base) {
          this.log.warn({ topic: gp.topic, partition: gp.partition, from: gp.committed, to: log.base }, 'in-process bus: messages dropped by retention before this group consumed them');
          gp.committed = log.base;
        }
        if (gp.committed >= log.end) return;
        const from = gp.committed;
        const count = Math.min(owner.maxBatchSize, log.end - from);
        const batch: BusMessage[] = [];
        for (let i = 0; i < count; i++) {
          const r = log.records[from - log.base + i];
          batch.push({
            topic: gp.topic,
            partition: gp.partition,
            offset: String(from + i),
            key: r.key,
            value: Buffer.from(r.value),
            headers: { ...r.headers },
            timestamp: r.timestamp,
          });
        }
        const result = await owner.deliver(batch, (err) => {
          gp.failures++;
          const delay = backoffDelay(gp.failures, this.backoff);
          gp.retryAt = Date.now() + delay;
          this.log.warn(
            { err, groupId: owner.group.id, topic: gp.topic, partition: gp.partition, offset: String(from), size: count, failures: gp.failures, retryInMs: delay },
            'bus handler failed: batch not committed, redelivering after backoff',
          );
        });
        if (result === 'ok') {
          gp.committed = from + count;
          gp.failures = 0;
          gp.retryAt = 0;
          this.trim(gp.topic, gp.partition);
        }
      }
    } finally {
      gp.running = false;
    }
  }

  /** Drops what every group has committed. */
  private trim(topic: string, partition: number): void {
    let min = Infinity;
    for (const group of this.groups.values()) {
      const gp = group.parts.get(tpKey(topic, partition));
      if (gp) min = Math.min(min, gp.committed);
    }
    if (min !== Infinity) this.topics.get(topic)!.partitions[partition].trimTo(min);
  }
}
