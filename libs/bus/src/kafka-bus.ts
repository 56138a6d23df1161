// The Bus interface over Apache Kafka (kafkajs): an idempotent producer for publish(), one
// consumer group member per subscribe() (kafka-subscription.ts), a health check on the cluster.
// Client settings are in kafka-client.ts, topic admin in kafka-topics.ts.
import { Admin, Kafka, Producer } from 'kafkajs';
import { BusLogger, filterLogger, silentLogger } from './logger';
import { BatchHandler, Bus, BusRecord, SubscribeOptions, Subscription, toBuffer, validateSubscribeOptions } from './bus';
import { KafkaBusOptions, PRODUCE_ACKS, kafkaClient, kafkaProducerConfig, withTimeout } from './kafka-client';
import { KafkaSubscription } from './kafka-subscription';

export { kafkajsLogCreator, kafkaProducerConfig, PRODUCE_ACKS, toBusMessage } from './kafka-client';
export type { KafkaBusOptions, KafkaBusConsumerOptions } from './kafka-client';
export { ensureTopics } from './kafka-topics';

export function createKafkaBus(opts: KafkaBusOptions): Bus {
  if (!opts.brokers?.length) throw new Error('createKafkaBus: brokers is required');
  if (!opts.clientId) throw new Error('createKafkaBus: clientId is required');
  return new KafkaBus(opts);
}

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
