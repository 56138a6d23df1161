import * as grpc from '@grpc/grpc-js';
import { Module, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { LOGGER, SERVICE_CONFIG, grpcClientProvider } from '@tessera/nest-core';
import { authV1, federationV1, miningV1 } from '@tessera/proto';
import { AUTH_CLIENT, FEDERATION_CLIENT, MINING_CLIENT, ROLE_RULES, RUN_HANDLER_OVERRIDES } from './scheduler.tokens';
import { nodeStoreIdsOf, type SchedulerConfig, type SchedulerHubConfig, type SchedulerRole, type SchedulerStoreNodeConfig } from './scheduler.config';
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
import { ErasureConfirmationsController } from './erasure/erasure-confirmations.controller';
import { MiningRunHandler } from './kinds/mining.handler';
import { RoundRunHandler } from './kinds/round.handler';
import { InsightsRefreshRunHandler } from './kinds/insights-refresh.handler';
import { RetentionRunHandler } from './kinds/retention.handler';
import { SchedulerGrpcController } from './grpc/scheduler.grpc';
import { SchedulerLifecycle } from './scheduler.lifecycle';
import type { RunHandler } from './kinds/run-handler';
import type { ScheduleKind } from './rules/schedule-input.util';
import { schedulerRoleRules } from './rules/scheduler-role.util';

const insecure = () => grpc.credentials.createInsecure();

/** The clients and run handlers of the hub's work: rounds on the coordinator, reports to the auth service's audit log. */
const hubProviders: Provider[] = [
  grpcClientProvider(FEDERATION_CLIENT, (config: SchedulerHubConfig) => new federationV1.FederationServiceClient(config.FEDERATION_GRPC_URL, insecure())),
  grpcClientProvider(AUTH_CLIENT, (config: SchedulerHubConfig) => new authV1.AuthServiceClient(config.AUTH_GRPC_URL, insecure())),
  RoundRunHandler,
];
/** The client and run handler of a store node's work: mining on the node's own mining service. */
const storeNodeProviders: Provider[] = [grpcClientProvider(MINING_CLIENT, (config: SchedulerStoreNodeConfig) => new miningV1.MiningServiceClient(config.MINING_GRPC_URL, insecure())), MiningRunHandler];

/**
 * The scheduler's own providers and controllers in a role (SCHEDULER_ROLE): schedules and
 * runs on a Postgres job queue, the kinds of run the role runs (only their clients are
 * created), erasure requests and their confirmations (store node and all). The core (config,
 * logger, metrics, DataSource, bus, health) is global and comes from CoreModule.forService in main.ts.
 */
@Module({})
export class SchedulerModule {
  static register(options: { role?: SchedulerRole; handlers?: Partial<Record<ScheduleKind, RunHandler>> } = {}): DynamicModule {
    const role = options.role ?? 'all';
    const controllers: Type<unknown>[] = [SchedulerGrpcController, ...(role === 'hub' ? [] : [ErasureConfirmationsController])];
    return {
      module: SchedulerModule,
      controllers,
      providers: [
        ...(role === 'store-node' ? [] : hubProviders),
        ...(role === 'hub' ? [] : storeNodeProviders),
        { provide: ROLE_RULES, inject: [SERVICE_CONFIG], useFactory: (config: SchedulerConfig) => schedulerRoleRules(role, nodeStoreIdsOf(config)) },
        { provide: RUN_HANDLER_OVERRIDES, useValue: options.handlers ?? {} },
        { provide: SchedulerMetrics, inject: [ServiceMetrics], useFactory: (metrics: ServiceMetrics) => new SchedulerMetrics(metrics) },
        {
          provide: JobQueue,
          inject: [SERVICE_CONFIG, LOGGER],
          useFactory: (config: SchedulerConfig, logger: Logger) =>
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
              logger,
            ),
        },
        ScheduleRepository,
        RunRepository,
        ErasureRepository,
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
