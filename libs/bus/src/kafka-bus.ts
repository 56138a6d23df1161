import {
  Admin,
  Consumer,
  ConsumerConfig,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaConfig,
  KafkaMessage,
  logCreator,
  logLevel,
  Partitioners,
  Producer,
  ProducerConfig,
} from 'kafkajs';
import { BusLogger, BusLogLevel, filterLogger, serializable, silentLogger } from './logger';
import { TopicSpec } from './topics';
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

export interface KafkaBusConsumerOptions {
  /** Default 30000. The broker drops a member that has not heartbeated for this long. */
  sessionTimeout?: number;
  /** Default 3000. Also the heartbeat period while a handler runs. */
  heartbeatInterval?: number;
  /** Default 60000. */
  rebalanceTimeout?: number;
  /** Longest a fetch waits for data (default 500 ms: low latency for small test loads). */
  maxWaitTimeInMs?: number;
  /** Bytes fetched per partition per request (kafkajs default 1 MiB). */
  maxBytesPerPartition?: number;
  /**
   * Partitions whose batches may be handled at the same time by one subscriber (default 1: the handler is
   * never called concurrently). Order within a partition holds either way.
   */
  partitionsConsumedConcurrently?: number;
  /** How long subscribe() waits for the first group join (default 60000). */
  joinTimeoutMs?: number;
  /**
   * How long Subscription.close() waits for an in-flight handler before it rejects (default 30000). The consumer
   * is then left to the process's exit; its uncommitted batch is redelivered to the group.
   */
  closeTimeoutMs?: number;
}

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /** Same as consumer.partitionsConsumedConcurrently. */
  partitionsConsumedConcurrently?: number;
  /** kafkajs and bus logs go here as (fields, message); without one they are silenced. */
  logger?: BusLogger;
  /** Default 'warn'. */
  logLevel?: BusLogLevel;
  consumer?: KafkaBusConsumerOptions;
  /** Redelivery backoff after a handler failure (default 200 ms doubling to 30 s). */
  backoff?: RedeliveryBackoff;
  /** Retries of a failed produce request before publish() rejects (default 10, about a minute in all). */
  producerRetries?: number;
  connectionTimeout?: number;
  requestTimeout?: number;
}

const KAFKAJS_LEVEL: Record<BusLogLevel, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

/** Routes kafkajs' own logs to a BusLogger, as structured fields. */
export function kafkajsLogCreator(logger: BusLogger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _ts, logger: _l, ...rest } = log as { message: string; timestamp?: string; logger?: string } & Record<string, unknown>;
      // publish() bounds the idempotent producer's retries on purpose (see README): no warning per producer.
      if (typeof message === 'string' && message.startsWith('Limiting retries for the idempotent producer')) return;
      const fields = { component: 'kafkajs', namespace, ...serializable(rest) };
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else if (level === logLevel.INFO) logger.info(fields, message);
      else logger.debug(fields, message);
    };
}

/**
 * The producer settings publish() uses: idempotent (the broker drops duplicates of a retried send), one request
 * in flight per connection (kafkajs needs that for ordering with an idempotent producer), Java-compatible
 * murmur2 partitioner (a key always maps to the same partition), no topic auto-creation.
 */
export function kafkaProducerConfig(opts: Pick<KafkaBusOptions, 'producerRetries'> = {}): ProducerConfig {
  return {
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: opts.producerRetries ?? 10, initialRetryTime: 100, maxRetryTime: 10_000 },
  };
}

/** acks=all on every send. */
export const PRODUCE_ACKS = -1;

function kafkaClient(opts: KafkaBusOptions, log: BusLogger): Kafka {
  const level = opts.logger ? (opts.logLevel ?? 'warn') : 'nothing';
  const config: KafkaConfig = {
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: opts.connectionTimeout ?? 3_000,
    requestTimeout: opts.requestTimeout ?? 30_000,
    logLevel: KAFKAJS_LEVEL[level],
    logCreator: kafkajsLogCreator(log),
  };
  return new Kafka(config);
}

export function createKafkaBus(opts: KafkaBusOptions): Bus {
  if (!opts.brokers?.length) throw new Error('createKafkaBus: brokers is required');
  if (!opts.clientId) throw new Error('createKafkaBus: clientId is required');
  return new KafkaBus(opts);
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first === undefined) continue;
    out[k] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return out;
}

export function toBusMessage(topic: string, partition: number, m: KafkaMessage): BusMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key === null || m.key === undefined ? null : m.key.toString('utf8'),
    value: m.value ?? Buffer.alloc(0),
    headers: headersToStrings(m.headers),
    timestamp: m.timestamp,
  };
}

const nextOffset = (offset: string) => (BigInt(offset) + 1n).toString();

class KafkaBus implements Bus {
  private readonly kafka: Kafka;
  private readonly log: BusLogger;
  private producer: Producer | undefined;
  private producerReady: Promise<Producer> | undefined;
  private admin: Admin | undefined;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private closed = false;

  constructor(private readonly opts: KafkaBusOptions) {
    this.log = opts.logger ? filterLogger(opts.logger, opts.logLevel ?? 'warn') : silentLogger;
    this.kafka = kafkaClient(opts, this.log);
  }

  private getProducer(): Promise<Producer> {
    if (!this.producerReady) {
      const producer = this.kafka.producer(kafkaProducerConfig(this.opts));
      this.producer = producer;
      this.producerReady = producer.connect().then(
        () => producer,
        (err) => {
          // Next publish tries again with a fresh connection.
          this.producerReady = undefined;
          this.producer = undefined;
          throw err;
        },
      );
    }
    return this.producerReady;
  }

  async publish(topic: string, records: BusRecord[]): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    if (!topic) throw new Error('publish: topic is required');
    if (records.length === 0) return;
    const messages = records.map((r) => {
      if (r.value === undefined || r.value === null) throw new Error('publish: record value is required');
      return { key: r.key ?? null, value: toBuffer(r.value), headers: r.headers };
    });
    const producer = await this.getProducer();
    await producer.send({ topic, messages, acks: PRODUCE_ACKS });
  }

  async subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    if (this.closed) throw new Error('bus is closed');
    validateSubscribeOptions(options);
    const sub = new KafkaSubscription(this.kafka, this.opts, this.log, options, handler, () => this.subscriptions.delete(sub));
    this.subscriptions.add(sub);
    try {
      await sub.start();
    } catch (err) {
      await sub.close().catch(() => {});
      throw err;
    }
    return sub;
  }

  async healthy(): Promise<boolean> {
    if (this.closed) return false;
    for (const sub of this.subscriptions) if (sub.crashed) return false;
    try {
      const check = async () => {
        if (!this.admin) {
          this.admin = this.kafka.admin({ retry: { retries: 0 } });
          await this.admin.connect();
        }
        return this.admin.describeCluster();
      };
      const cluster = await withTimeout(check(), 5_000, 'kafka health check');
      return cluster.brokers.length > 0;
    } catch (err) {
      this.log.warn({ err }, 'kafka bus health check failed');
      const admin = this.admin;
      this.admin = undefined;
      await admin?.disconnect().catch(() => {});
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    const producerReady = this.producerReady;
    this.producerReady = undefined;
    if (producerReady) await producerReady.then((p) => p.disconnect()).catch(() => {});
    await this.admin?.disconnect().catch(() => {});
    this.admin = undefined;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

class KafkaSubscription implements Subscription {
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
      ...(c.maxBytesPerPartition !== undefined ? { maxBytesPerPartition: c.maxBytesPerPartition } : {}),
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

/**
 * Creates missing topics and grows ones with fewer partitions than asked (never shrinks). Idempotent.
 * Returns the names it created.
 */
export async function ensureTopics(
  brokers: string[],
  specs: (TopicSpec & { replicationFactor?: number })[],
  opts: { replicationFactor?: number; clientId?: string; logger?: BusLogger } = {},
): Promise<string[]> {
  const log = opts.logger ?? silentLogger;
  const kafka = new Kafka({
    clientId: opts.clientId ?? 'tessera-ensure-topics',
    brokers,
    connectionTimeout: 3_000,
    logLevel: opts.logger ? logLevel.WARN : logLevel.NOTHING,
    logCreator: kafkajsLogCreator(log),
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length) {
      await admin.createTopics({
        topics: missing.map((s) => ({ topic: s.topic, numPartitions: s.partitions, replicationFactor: s.replicationFactor ?? opts.replicationFactor ?? 1 })),
        waitForLeaders: true,
      });
    }
    const present = specs.filter((s) => existing.has(s.topic));
    if (present.length) {
      const meta = await admin.fetchTopicMetadata({ topics: present.map((s) => s.topic) });
      const grow = meta.topics
        .map((t) => ({ topic: t.name, have: t.partitions.length, want: present.find((s) => s.topic === t.name)!.partitions }))
        .filter((t) => t.have < t.want);
      if (grow.length) {
        await admin.createPartitions({ topicPartitions: grow.map((g) => ({ topic: g.topic, count: g.want })) });
        log.info({ topics: grow }, 'grew topic partitions');
      }
    }
    return missing.map((s) => s.topic);
  } finally {
    await admin.disconnect();
  }
}
