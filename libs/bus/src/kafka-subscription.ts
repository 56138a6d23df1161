// One consumer-group member of the Kafka bus: batches per partition handed to the handler,
// heartbeats while it runs, offsets committed only after it resolves, redelivery with backoff
// after a failure (pausing the partition), and a bounded close. The contract is in README.md.
import { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import { BusLogger } from './logger';
import { BatchHandler, DEFAULT_MAX_BATCH_SIZE, SubscribeOptions, Subscription, backoffDelay } from './bus';
import { KafkaBusOptions, toBusMessage, withTimeout } from './kafka-client';

export class KafkaSubscription implements Subscription {
  private readonly consumer: Consumer;
  private readonly failures = new Map<string, number>();
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private closing: Promise<void> | undefined;
  private stopped = false;
  crashed = false;

  constructor(
    kafka: Kafka,
    private readonly opts: KafkaBusOptions,
    private readonly log: BusLogger,
    private readonly options: SubscribeOptions,
    private readonly handler: BatchHandler,
    private readonly onClosed: () => void,
  ) {
    const c = opts.consumer ?? {};
    const config: ConsumerConfig = {
      groupId: options.groupId,
      // 10 s: a crashed member's partitions move to the others within seconds, not half a minute.
      sessionTimeout: c.sessionTimeout ?? 10_000,
      heartbeatInterval: c.heartbeatInterval ?? 1_000,
      rebalanceTimeout: c.rebalanceTimeout ?? 60_000,
      maxWaitTimeInMs: c.maxWaitTimeInMs ?? 500,
      allowAutoTopicCreation: false,
      ...((options.maxBytesPerPartition ?? c.maxBytesPerPartition) !== undefined ? { maxBytesPerPartition: options.maxBytesPerPartition ?? c.maxBytesPerPartition } : {}),
    };
    this.consumer = kafka.consumer(config);
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      const { error, restart } = e.payload;
      this.log.error({ err: error, groupId: options.groupId, restart }, 'kafka consumer crashed');
      if (!restart) this.crashed = true;
    });
  }

  async start(): Promise<void> {
    const c = this.opts.consumer ?? {};
    await this.consumer.connect();
    for (const topic of this.options.topics) {
      await this.consumer.subscribe({ topic, fromBeginning: this.options.fromBeginning ?? false });
    }
    // Resolve subscribe() only once this member has joined the group and holds its assignment.
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`kafka consumer of group ${this.options.groupId} did not join within ${c.joinTimeoutMs ?? 60_000} ms`)),
        c.joinTimeoutMs ?? 60_000,
      );
      const off = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: c.partitionsConsumedConcurrently ?? this.opts.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    await joined;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets, isRunning, isStale, pause } = payload;
    const { topic, partition } = batch;
    const max = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
    const heartbeatEvery = Math.max(100, Math.floor((this.opts.consumer?.heartbeatInterval ?? 3_000) / 2));
    for (let i = 0; i < batch.messages.length; i += max) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + max);
      const messages = chunk.map((m) => toBusMessage(topic, partition, m));
      // Keep the group membership alive while a long handler runs.
      let heartbeatError: unknown;
      const beat = setInterval(() => {
        heartbeat().catch((err) => {
          heartbeatError ??= err;
        });
      }, heartbeatEvery);
      try {
        await this.handler(messages);
      } catch (err) {
        clearInterval(beat);
        this.onHandlerError(err, topic, partition, chunk[0].offset, chunk.length, pause);
        return;
      }
      clearInterval(beat);
      if (heartbeatError) this.log.debug({ err: heartbeatError, topic, partition }, 'heartbeat failed during handler (rebalance?)');
      // The handler has committed its own work: now, and only now, the offsets.
      resolveOffset(chunk[chunk.length - 1].offset);
      // kafkajs keys partitions by object key, so they come back as strings.
      const pending = uncommittedOffsets().topics
        .filter((t) => t.topic === topic)
        .map((t) => ({ topic, partitions: t.partitions.filter((p) => Number(p.partition) === partition).map((p) => ({ partition, offset: p.offset })) }))
        .filter((t) => t.partitions.length > 0);
      if (pending.length) await commitOffsetsIfNecessary({ topics: pending });
      this.failures.delete(`${topic}:${partition}`);
      await heartbeat().catch(() => {});
    }
  }

  /** Not committed; seek back to the chunk's first offset and pause the partition for the backoff. */
  private onHandlerError(err: unknown, topic: string, partition: number, firstOffset: string, size: number, pause: () => () => void): void {
    const key = `${topic}:${partition}`;
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const delay = backoffDelay(failures, this.opts.backoff);
    this.log.warn(
      { err, groupId: this.options.groupId, topic, partition, offset: firstOffset, size, failures, retryInMs: delay },
      'bus handler failed: batch not committed, redelivering after backoff',
    );
    this.consumer.seek({ topic, partition, offset: firstOffset });
    if (this.stopped) return;
    const resume = pause();
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      if (!this.stopped) resume();
    }, delay);
    this.resumeTimers.add(timer);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopped = true;
      for (const t of this.resumeTimers) clearTimeout(t);
      this.resumeTimers.clear();
      // Waits for the in-flight batch (committed if its handler succeeds), then leaves the group.
      const ms = this.opts.consumer?.closeTimeoutMs ?? 30_000;
      try {
        await withTimeout(this.consumer.disconnect(), ms, `closing the consumer of group ${this.options.groupId} (a handler still running?)`);
      } finally {
        this.onClosed();
      }
    })();
    return this.closing;
  }
}
