export * from './bus';
export { createInProcessBus } from './in-process-bus';
export { createKafkaBus, ensureTopics, type KafkaBusOptions } from './kafka-bus';
