/**
 * Injection tokens of what the core module provides. Classes (ServiceMetrics, DataSource,
 * ReadinessChecks) are their own tokens; interfaces and plain values need one of these.
 */
/** The service's validated configuration (the object its `defineConfig(...).load(env)` returned). */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
/** The service's pino JSON logger (`Logger` from @tessera/common). */
export const LOGGER = Symbol('LOGGER');
/** The event bus (`Bus` from @tessera/bus): Kafka, or the all-in-one runner's in-process twin. */
export const BUS = Symbol('BUS');
/** The service's name ('mining', 'insights', ...). */
export const SERVICE_NAME = Symbol('SERVICE_NAME');
