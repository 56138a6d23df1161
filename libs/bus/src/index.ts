/**
 * @tessera/bus: one publish/subscribe interface, two adapters.
 *   createKafkaBus({ brokers, clientId, logger })  Apache Kafka via kafkajs (services, integration tests)
 *   createInProcessBus()                           in memory (all-in-one embedded mode, unit tests)
 * Contract (README.md): per-partition order; a batch's offsets are committed only after its handler resolves;
 * a failed batch is redelivered after a backoff; handlers are idempotent.
 */
export * from './bus';
export { createKafkaBus, ensureTopics, kafkaProducerConfig, kafkajsLogCreator, PRODUCE_ACKS } from './kafka-bus';
export type { KafkaBusOptions, KafkaBusConsumerOptions } from './kafka-bus';
export { createInProcessBus } from './in-process-bus';
export { BUS_NAMESPACE_PATTERN, namespacedBus } from './namespaced-bus';
export type { InProcessBusOptions } from './in-process-bus';
export { createJsonLogger, silentLogger } from './logger';
export type { BusLogLevel, BusLogFields } from './logger';
export { partitionForKey } from './murmur2';
