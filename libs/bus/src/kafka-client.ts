// How the bus talks to Kafka through kafkajs: its options, the client and producer settings,
// kafkajs logs routed to the bus logger, and kafkajs messages as BusMessage. Used by the bus
// (kafka-bus.ts), its consumer groups (kafka-subscription.ts) and topic admin (kafka-topics.ts).
import { IHeaders, Kafka, KafkaConfig, KafkaMessage, logCreator, logLevel, Partitioners, ProducerConfig } from 'kafkajs';
import { BusLogger, BusLogLevel, serializable } from './logger';
import { BusMessage, RedeliveryBackoff } from './bus';

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

export function kafkaClient(opts: KafkaBusOptions, log: BusLogger): Kafka {
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

/** Rejects with `what timed out` when p has not settled within ms. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
