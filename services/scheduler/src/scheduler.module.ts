import { Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type * as grpc from '@grpc/grpc-js';
import { ObservabilityModule, type HealthCheck, type Logger, type ServiceMetrics } from '@tessera/common';
import type { Bus } from '@tessera/bus';
import type { authV1, federationV1, miningV1 } from '@tessera/proto';
import { AUTH_CLIENT, BUS, CONFIG, DATA_SOURCE, FEDERATION_CLIENT, LOGGER, MINING_CLIENT, RUN_HANDLER_OVERRIDES } from './scheduler.tokens';
import type { SchedulerConfig } from './scheduler.config';
import { JobQueue } from './queue/job-queue';
import { ScheduleRepository } from './repositories/schedule.repository';
import { RunRepository } from './repositories/run.repository';
import { ErasureRepository } from './repositories/erasure.repository';
import { SchedulerMetrics } from './scheduler.metrics';
import { PlannerService } from './planner.service';
import { RunExecutorService } from './run-executor.service';
import { ScheduleService } from './schedule.service';
import { ErasureService } from './erasure/erasure.service';
import { AuditClient } from './erasure/audit.client';
import { MiningRunHandler } from './kinds/mining.handler';
import { RoundRunHandler } from './kinds/round.handler';
import { InsightsRefreshRunHandler } from './kinds/insights-refresh.handler';
import { RetentionRunHandler } from './kinds/retention.handler';
import { SchedulerLifecycle } from './scheduler.lifecycle';
import type { RunHandler } from './kinds/run-handler';
import type { ScheduleKind } from './rules/schedule-input.util';

export interface SchedulerDependencies {
  config: SchedulerConfig;
  dataSource: DataSource;
  bus: Bus;
  logger: Logger;
  metrics: ServiceMetrics;
  healthChecks: HealthCheck[];
  mining: miningV1.MiningServiceClient;
  federation: federationV1.FederationServiceClient;
  auth: authV1.AuthServiceClient;
  handlers?: Partial<Record<ScheduleKind, RunHandler>>;
}

/** The scheduler: schedules and runs on a Postgres job queue, erasure requests, and their lifecycle. */
@Module({})
export class SchedulerModule {
  static register(deps: SchedulerDependencies): DynamicModule {
    const config = deps.config;
    return {
      module: SchedulerModule,
      imports: [ObservabilityModule.forService(deps.metrics, deps.healthChecks)],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: DATA_SOURCE, useValue: deps.dataSource },
        { provide: BUS, useValue: deps.bus },
        { provide: LOGGER, useValue: deps.logger },
        { provide: MINING_CLIENT, useValue: deps.mining as grpc.Client },
        { provide: FEDERATION_CLIENT, useValue: deps.federation as grpc.Client },
        { provide: AUTH_CLIENT, useValue: deps.auth as grpc.Client },
        { provide: RUN_HANDLER_OVERRIDES, useValue: deps.handlers ?? {} },
        { provide: SchedulerMetrics, useValue: new SchedulerMetrics(deps.metrics) },
        {
          provide: JobQueue,
          useFactory: () =>
            new JobQueue(
              {
                connectionString: config.DATABASE_URL!,
                schema: config.BOSS_SCHEMA,
                expireSeconds: config.RUN_EXPIRE_SECONDS,
                retryLimit: config.RUN_RETRY_LIMIT,
                retryDelaySeconds: config.RUN_RETRY_DELAY_SECONDS,
                maintenanceSeconds: config.MAINTENANCE_SECONDS,
                pollingSeconds: config.POLLING_SECONDS,
              },
              deps.logger,
            ),
        },
        { provide: ScheduleRepository, useFactory: (dataSource: DataSource) => new ScheduleRepository(dataSource), inject: [DATA_SOURCE] },
        { provide: RunRepository, useFactory: (dataSource: DataSource) => new RunRepository(dataSource), inject: [DATA_SOURCE] },
        { provide: ErasureRepository, useFactory: (dataSource: DataSource) => new ErasureRepository(dataSource), inject: [DATA_SOURCE] },
        MiningRunHandler,
        RoundRunHandler,
        InsightsRefreshRunHandler,
        RetentionRunHandler,
        AuditClient,
        PlannerService,
        RunExecutorService,
        ScheduleService,
        ErasureService,
        SchedulerLifecycle,
      ],
    };
  }
}
