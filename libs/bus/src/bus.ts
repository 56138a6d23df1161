/** A record to publish. `key` decides the partition (same key, same partition, same order): use the store id. */
export interface BusRecord {
  key?: string;
  value: Buffer | string;
  headers?: Record<string, string>;
}

/** A delivered record. `offset` and `timestamp` are decimal strings (Kafka's int64s). */
export interface BusMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  /** Milliseconds since the epoch, as a decimal string. */
  timestamp: string;
}

export interface SubscribeOptions {
  /** Consumer group: every group gets every message; within a group each partition goes to one subscriber. */
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts: the oldest retained message (true) or new messages only (false, default). */
  fromBeginning?: boolean;
  /** Most messages handed to one handler call (default 500). A batch never spans partitions. */
  maxBatchSize?: number;
  /**
   * Kafka only: bytes fetched per partition per request, for this subscriber (default: the bus's consumer
   * option). kafkajs fetches again only once every partition of a fetch is handled, so a fetch that brings
   * one partition many batches' worth and the others little leaves the concurrent partitions idle; about one
   * or two batches' worth per partition spreads the work. Ignored by the in-process bus.
   */
  maxBytesPerPartition?: number;
}

/**
 * Handles one batch, all from one topic-partition, in offset order. The batch's offsets are committed only
 * after the returned promise resolves; if it rejects, nothing of the batch is committed and it is delivered
 * again after a backoff. Must be idempotent: a crash between the handler's own commit and the offset commit
 * delivers the batch again.
 */
export type BatchHandler = (batch: BusMessage[]) => Promise<void>;

export interface Subscription {
  /** Stops delivery to this subscriber: waits for an in-flight handler call, commits it if it succeeded, leaves the group. */
  close(): Promise<void>;
}

export interface Bus {
  /** Resolves once every record is durably accepted (Kafka: acks=all, idempotent producer). */
  publish(topic: string, records: BusRecord[]): Promise<void>;
  /** Resolves once the subscriber has joined its group. */
  subscribe(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription>;
  healthy(): Promise<boolean>;
  /** Closes every subscription (gracefully) and the producer. */
  close(): Promise<void>;
}

/** Backoff between redeliveries of a batch whose handler failed: initial, doubling per failure, capped. */
export interface RedeliveryBackoff {
  initialMs?: number;
  maxMs?: number;
}

export const DEFAULT_MAX_BATCH_SIZE = 500;
export const DEFAULT_BACKOFF: Required<RedeliveryBackoff> = { initialMs: 200, maxMs: 30_000 };

export function backoffDelay(failures: number, backoff: RedeliveryBackoff | undefined): number {
  const initial = backoff?.initialMs ?? DEFAULT_BACKOFF.initialMs;
  const max = backoff?.maxMs ?? DEFAULT_BACKOFF.maxMs;
  const exp = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(max, initial * 2 ** exp);
}

export function toBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

export function validateSubscribeOptions(options: SubscribeOptions): void {
  if (!options.groupId) throw new Error('subscribe: groupId is required');
  if (!Array.isArray(options.topics) || options.topics.length === 0) throw new Error('subscribe: topics must be a non-empty array');
  if (options.maxBatchSize !== undefined && !(Number.isInteger(options.maxBatchSize) && options.maxBatchSize > 0)) {
    throw new Error(`subscribe: maxBatchSize must be a positive integer, got ${options.maxBatchSize}`);
  }
  if (options.maxBytesPerPartition !== undefined && !(Number.isInteger(options.maxBytesPerPartition) && options.maxBytesPerPartition > 0)) {
    throw new Error(`subscribe: maxBytesPerPartition must be a positive integer, got ${options.maxBytesPerPartition}`);
  }
}

/** Redelivery delay of the n-th retry (0-based): 100 ms doubling to 5 s. Kept for callers of the first API. */
export function redeliveryDelay(attempt: number): number {
  return Math.min(5000, 100 * 2 ** Math.min(attempt, 6));
}

export type { BusLogger } from './logger';
export { Topics, TopicPartitions, TOPIC_PARTITIONS, TopicSpecs } from './topics';
export type { TopicName, TopicSpec } from './topics';
