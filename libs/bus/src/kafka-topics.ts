// Topic administration for the Kafka bus (services and scripts/infra create their topics at start).
import { Kafka, logLevel } from 'kafkajs';
import { BusLogger, silentLogger } from './logger';
import { TopicSpec } from './topics';
import { kafkajsLogCreator } from './kafka-client';

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
