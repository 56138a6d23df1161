import type { BatchHandler, Bus, BusMessage, BusRecord, SubscribeOptions, Subscription } from './bus';

/** Kafka's legal topic characters; the namespace and its dot become part of every topic and group name. */
export const BUS_NAMESPACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * A bus whose topics and consumer groups all live under `<namespace>.`, so that several store
 * nodes (each a release with its own services) can share one Kafka cluster without reading each
 * other's events: node A's ingestion must never take node B's POS events, erasure requests or
 * confirmations, which, with the same topic and group names, it would. Services keep using the
 * plain names (`pos.transactions.v1`); delivered messages carry them too, without the prefix.
 */
export function namespacedBus(bus: Bus, namespace: string): Bus {
  if (!BUS_NAMESPACE_PATTERN.test(namespace)) throw new Error(`bus namespace ${JSON.stringify(namespace)} must be 1-64 letters, digits, _ or - (it prefixes Kafka topic and group names)`);
  const prefix = `${namespace}.`;
  const unprefixed = (message: BusMessage): BusMessage => (message.topic.startsWith(prefix) ? { ...message, topic: message.topic.slice(prefix.length) } : message);
  return {
    publish: (topic: string, records: BusRecord[]) => bus.publish(prefix + topic, records),
    subscribe: (options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> =>
      bus.subscribe({ ...options, groupId: prefix + options.groupId, topics: options.topics.map((topic) => prefix + topic) }, (batch) => handler(batch.map(unprefixed))),
    healthy: () => bus.healthy(),
    close: () => bus.close(),
  };
}
