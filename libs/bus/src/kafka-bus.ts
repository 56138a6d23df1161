import { Kafka, logLevel, type Consumer, type Producer, type logCreator } from 'kafkajs';
import { redeliveryDelay, type BatchHandler, type Bus, type BusLogger, type BusMessage, type BusRecord, type SubscribeOptions, type Subscription } from './bus';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger?: BusLogger;
  /** Partitions of one consumer processed at the same time (default 3). */
  partitionsConsumedConcurrently?: number;
}

function kafkaLogCreator(logger?: BusLogger): logCreator {
  return () => ({ level, log }) => {
    if (!logger) return;
    const { message, ...rest } = log;
    const entry = { component: 'kafkajs', namespace: log.namespace, ...rest };
    if (level === logLevel.ERROR) logger.error(entry, message);
    else if (level === logLevel.WARN) logger.warn(entry, message);
    else if (level === logLevel.INFO) logger.debug(entry, message);
  };
}

function headersOf(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) out[name] = Array.isArray(value) ? String(value[0]) : String(value);
  return out;
}

/**
 * Kafka through kafkajs. The producer is idempotent with acks from all in-sync replicas.
 * Consumers never auto-commit: a batch's offset is committed after its handler resolves
 * (the handler commits its database transaction first); a failing handler gets the same
 * batch again after a backoff while heartbeats keep the member in its group.
 */
export function createKafkaBus(options: KafkaBusOptions): Bus {
  const kafka = new Kafka({ clientId: options.clientId, brokers: options.brokers, logLevel: logLevel.WARN, logCreator: kafkaLogCreator(options.logger), retry: { retries: 8 } });
  let producer: Producer | undefined;
  let producerReady: Promise<Producer> | undefined;
  const consumers = new Set<Consumer>();
  let lastHealth: { at: number; ok: boolean } | undefined;
  let closed = false;

  const getProducer = () => {
    producerReady ??= (async () => {
      const created = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await created.connect();
      producer = created;
      return created;
    })().catch((error) => {
      producerReady = undefined;
      throw error;
    });
    return producerReady;
  };

  return {
    async publish(topic: string, records: BusRecord[]) {
      if (records.length === 0) return;
      const connected = await getProducer();
      await connected.send({ topic, acks: -1, messages: records.map((r) => ({ key: r.key ?? null, value: r.value, headers: r.headers })) });
    },

    async subscribe(subscribeOptions: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
      const consumer = kafka.consumer({ groupId: subscribeOptions.groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxBytesPerPartition: 8 * 1024 * 1024, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
      consumers.add(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: subscribeOptions.topics, fromBeginning: subscribeOptions.fromBeginning ?? false });
      const maxBatchSize = subscribeOptions.maxBatchSize ?? 1000;
      let stopping = false;
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          for (let start = 0; start < batch.messages.length; start += maxBatchSize) {
            const chunk = batch.messages.slice(start, start + maxBatchSize);
            const messages: BusMessage[] = chunk.map((m) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: m.offset,
              key: m.key ? m.key.toString() : null,
              value: m.value ?? Buffer.alloc(0),
              headers: headersOf(m.headers as Record<string, unknown>),
              timestamp: m.timestamp,
            }));
            for (let attempt = 0; ; attempt++) {
              if (stopping || !isRunning() || isStale()) return; // uncommitted: redelivered to whoever owns the partition next
              const beat = setInterval(() => heartbeat().catch(() => undefined), 2_000);
              try {
                await handler(messages);
                break;
              } catch (error) {
                options.logger?.error({ err: error, topic: batch.topic, partition: batch.partition, firstOffset: messages[0].offset, attempt }, 'batch handler failed; the batch will be delivered again');
                await new Promise((resolve) => setTimeout(resolve, redeliveryDelay(attempt)));
              } finally {
                clearInterval(beat);
              }
            }
            const last = messages[messages.length - 1].offset;
            resolveOffset(last);
            await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
            await heartbeat();
          }
        },
      });
      return {
        async close() {
          stopping = true;
          consumers.delete(consumer);
          await consumer.disconnect();
        },
      };
    },

    async healthy() {
      if (closed) return false;
      if (lastHealth && Date.now() - lastHealth.at < 5_000) return lastHealth.ok;
      const admin = kafka.admin();
      let ok = false;
      try {
        await admin.connect();
        await admin.describeCluster();
        ok = true;
      } catch {
        ok = false;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
      lastHealth = { at: Date.now(), ok };
      return ok;
    },

    async close() {
      closed = true;
      for (const consumer of consumers) await consumer.disconnect().catch(() => undefined);
      consumers.clear();
      await producer?.disconnect().catch(() => undefined);
    },
  };
}

/** Creates topics that do not exist yet (single broker: replication factor 1 unless given). */
export async function ensureTopics(brokers: string[], topics: { topic: string; partitions: number; replicationFactor?: number }[]): Promise<void> {
  const admin = new Kafka({ clientId: 'tessera-ensure-topics', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) await admin.createTopics({ waitForLeaders: true, topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor: t.replicationFactor ?? 1 })) });
  } finally {
    await admin.disconnect();
  }
}
