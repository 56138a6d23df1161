import { Inject, Injectable, Module, Optional, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DataSource, type MixedList } from 'typeorm';
import { createLogger, ServiceMetrics, startTelemetry, type Logger } from '@tessera/common';
import { MetricsController } from './metrics/metrics.controller';
import { openDatabase, pingDatabase } from '@tessera/db';
import { createKafkaBus, namespacedBus, type Bus } from '@tessera/bus';
import { HealthController } from './health/health.controller';
import { ReadinessChecks } from './health/readiness-checks';
import { BUS, LOGGER, SERVICE_CONFIG, SERVICE_NAME } from './tokens';

/** The variables the core reads (every service's config has them through the common variable sets). */
export interface CoreConfig {
  LOG_LEVEL: string;
  OTEL_EXPORTER: 'none' | 'console' | 'otlp';
  OTEL_EXPORTER_OTLP_ENDPOINT: string;
  DATABASE_URL?: string;
  DATABASE_POOL_SIZE?: number;
  BUS_DRIVER?: 'kafka' | 'memory';
  KAFKA_BROKERS?: string[];
  BUS_NAMESPACE?: string;
  KAFKA_PARTITIONS_CONCURRENTLY?: number;
}

export interface CoreOptions<C extends CoreConfig = CoreConfig> {
  name: string;
  /** The validated config (`xConfig.load(env)`); injectable as SERVICE_CONFIG. */
  config: C;
  /** The Postgres schema this service owns, with its migrations: provides a migrated `DataSource`. */
  database?: { schema: string; migrations: MixedList<Function | string> };
  /** Provides BUS (Kafka unless BUS_DRIVER=memory) and serves `@OnBusBatch` handlers. */
  useBus?: boolean;
  /** The all-in-one runner's in-process bus; required when BUS_DRIVER=memory. Not closed by the service (the runner owns it). */
  bus?: Bus;
  /** A logger to use instead of a new one (tests). */
  logger?: Logger;
}

const OWNS_BUS = Symbol('OWNS_BUS');
const TELEMETRY = Symbol('TELEMETRY');

/** What the core opened and must close: the DataSource, and the bus when it made it. */
@Injectable()
class CoreShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(DataSource) private readonly dataSource?: DataSource,
    @Optional() @Inject(BUS) private readonly bus?: Bus,
    @Optional() @Inject(OWNS_BUS) private readonly ownsBus?: boolean,
  ) {}

  /** After every server (HTTP, gRPC, bus transport) has stopped and every handler has returned. */
  async onApplicationShutdown() {
    if (this.bus && this.ownsBus) await this.bus.close().catch((error) => this.logger.error({ err: error }, 'error while closing the bus'));
    if (this.dataSource?.isInitialized) await this.dataSource.destroy().catch((error) => this.logger.error({ err: error }, 'error while closing the database'));
  }
}

/**
 * What every Tessera service needs before it serves, as providers: its validated config,
 * JSON logger, metrics (with `/metrics`), tracing, its own migrated schema (`DataSource`),
 * the bus, and health through terminus (`/health`, `/health/live`, `/health/ready` with
 * postgres and the bus as indicators, plus whatever the service adds to `ReadinessChecks`).
 * Global: the service's own modules inject these without importing anything.
 */
@Module({})
export class CoreModule {
  static forService<C extends CoreConfig>(options: CoreOptions<C>): DynamicModule {
    const { config } = options;
    const providers: Provider[] = [
      ReadinessChecks,
      CoreShutdown,
      { provide: SERVICE_NAME, useValue: options.name },
      { provide: SERVICE_CONFIG, useValue: config },
      { provide: LOGGER, useFactory: () => options.logger ?? createLogger(options.name, config.LOG_LEVEL) },
      { provide: ServiceMetrics, useFactory: () => new ServiceMetrics(options.name) },
      { provide: TELEMETRY, useFactory: () => ({ started: startTelemetry(`tessera-${options.name}`, config.OTEL_EXPORTER, config.OTEL_EXPORTER_OTLP_ENDPOINT) !== undefined }) },
    ];
    const exported: unknown[] = [SERVICE_NAME, SERVICE_CONFIG, LOGGER, ServiceMetrics, ReadinessChecks];

    if (options.database) {
      const database = options.database;
      providers.push({
        provide: DataSource,
        inject: [ReadinessChecks],
        useFactory: async (readiness: ReadinessChecks) => {
          if (!config.DATABASE_URL) throw new Error(`${options.name}: DATABASE_URL is required`);
          const dataSource = await openDatabase({ url: config.DATABASE_URL, schema: database.schema, migrations: database.migrations, poolSize: config.DATABASE_POOL_SIZE, applicationName: `tessera-${options.name}` });
          readiness.add({ name: 'postgres', check: () => pingDatabase(dataSource) });
          return dataSource;
        },
      });
      exported.push(DataSource);
    }

    if (options.useBus) {
      const memory = config.BUS_DRIVER === 'memory';
      if (memory && !options.bus) throw new Error(`${options.name}: BUS_DRIVER=memory works only inside the all-in-one process (npm start); use BUS_DRIVER=kafka`);
      providers.push(
        { provide: OWNS_BUS, useValue: !memory },
        {
          provide: BUS,
          inject: [LOGGER, ReadinessChecks],
          useFactory: (logger: Logger, readiness: ReadinessChecks): Bus => {
            const base = memory
              ? options.bus!
              : createKafkaBus({ brokers: config.KAFKA_BROKERS ?? ['127.0.0.1:9092'], clientId: `tessera-${options.name}`, logger, partitionsConsumedConcurrently: config.KAFKA_PARTITIONS_CONCURRENTLY, consumer: { maxBytesPerPartition: 8 * 1024 * 1024 } });
            // A store node sharing its Kafka cluster with others keeps its topics and groups under its namespace.
            const bus = config.BUS_NAMESPACE ? namespacedBus(base, config.BUS_NAMESPACE) : base;
            readiness.add({
              name: memory ? 'bus' : 'kafka',
              check: async () => {
                if (!(await bus.healthy())) throw new Error('the event bus is not connected');
              },
            });
            return bus;
          },
        },
      );
      exported.push(BUS);
    }

    return {
      module: CoreModule,
      global: true,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
      controllers: [HealthController, MetricsController],
      providers,
      exports: exported as DynamicModule['exports'],
    };
  }
}
