import type { DataSource, MixedList } from 'typeorm';
import { createLogger, ServiceMetrics, startTelemetry, type HealthCheck, type Logger } from '@tessera/common';
import { openDatabase, pingDatabase } from '@tessera/db';
import { createKafkaBus, type Bus } from '@tessera/bus';

export interface ResourceConfig {
  LOG_LEVEL: string;
  OTEL_EXPORTER: 'none' | 'console' | 'otlp';
  OTEL_EXPORTER_OTLP_ENDPOINT: string;
  DATABASE_URL?: string;
  DATABASE_POOL_SIZE?: number;
  BUS_DRIVER?: 'kafka' | 'memory';
  KAFKA_BROKERS?: string[];
  KAFKA_PARTITIONS_CONCURRENTLY?: number;
}

export interface ResourceOptions {
  name: string;
  config: ResourceConfig;
  /** The Postgres schema this service owns, with its migrations. */
  database?: { schema: string; migrations: MixedList<Function | string> };
  useBus?: boolean;
  /** The in-process bus of the all-in-one runner; required when BUS_DRIVER=memory. */
  bus?: Bus;
  logger?: Logger;
}

export interface ServiceResources {
  logger: Logger;
  metrics: ServiceMetrics;
  dataSource?: DataSource;
  bus?: Bus;
  healthChecks: HealthCheck[];
  close(): Promise<void>;
}

/**
 * Opens what a service needs before it serves: logs, metrics, tracing, its own database
 * schema (migrated) and the bus, with a readiness check for each.
 */
export async function openServiceResources(options: ResourceOptions): Promise<ServiceResources> {
  const { config } = options;
  const logger = options.logger ?? createLogger(options.name, config.LOG_LEVEL);
  startTelemetry(`tessera-${options.name}`, config.OTEL_EXPORTER, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const metrics = new ServiceMetrics(options.name);
  const healthChecks: HealthCheck[] = [];
  const closers: (() => Promise<void>)[] = [];

  let dataSource: DataSource | undefined;
  if (options.database) {
    if (!config.DATABASE_URL) throw new Error(`${options.name}: DATABASE_URL is required`);
    dataSource = await openDatabase({ url: config.DATABASE_URL, schema: options.database.schema, migrations: options.database.migrations, poolSize: config.DATABASE_POOL_SIZE, applicationName: `tessera-${options.name}` });
    const opened = dataSource;
    healthChecks.push({ name: 'postgres', check: () => pingDatabase(opened) });
    closers.push(() => opened.destroy());
  }

  let bus: Bus | undefined;
  if (options.useBus) {
    if (config.BUS_DRIVER === 'memory') {
      if (!options.bus) throw new Error(`${options.name}: BUS_DRIVER=memory works only inside the all-in-one process (npm start); use BUS_DRIVER=kafka`);
      bus = options.bus;
    } else {
      bus = createKafkaBus({ brokers: config.KAFKA_BROKERS ?? ['127.0.0.1:9092'], clientId: `tessera-${options.name}`, logger, partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY, consumer: { maxBytesPerPartition: 8 * 1024 * 1024 } });
      const owned = bus;
      closers.push(() => owned.close());
    }
    const opened = bus;
    healthChecks.push({
      name: config.BUS_DRIVER === 'memory' ? 'bus' : 'kafka',
      check: async () => {
        if (!(await opened.healthy())) throw new Error('the event bus is not connected');
      },
    });
  }

  return {
    logger,
    metrics,
    dataSource,
    bus,
    healthChecks,
    async close() {
      for (const close of closers.reverse()) await close().catch((error) => logger.error({ err: error }, 'error while closing'));
    },
  };
}

import { Module } from '@nestjs/common';
import { bootService, ObservabilityModule, type RunningService } from '@tessera/common';

@Module({})
class BasicHttpModule {}

/**
 * Boots a service whose domain a later issue fills in: it owns its schema (migrated),
 * connects to the bus when asked, and serves health and metrics, so it can be deployed,
 * probed and scraped like the others from day one.
 */
export async function startBasicService(options: {
  name: string;
  config: ResourceConfig & { HTTP_HOST: string; HTTP_PORT: number };
  schema?: string;
  migrations?: MixedList<Function | string>;
  useBus?: boolean;
  bus?: Bus;
}): Promise<RunningService> {
  const resources = await openServiceResources({
    name: options.name,
    config: options.config,
    database: options.schema ? { schema: options.schema, migrations: options.migrations ?? [] } : undefined,
    useBus: options.useBus,
    bus: options.bus,
  });
  const running = await bootService({
    name: options.name,
    module: { module: BasicHttpModule, imports: [ObservabilityModule.forService(resources.metrics, resources.healthChecks)] },
    logger: resources.logger,
    http: { host: options.config.HTTP_HOST, port: options.config.HTTP_PORT },
  });
  return {
    ...running,
    async close() {
      await running.close();
      await resources.close();
    },
  };
}
