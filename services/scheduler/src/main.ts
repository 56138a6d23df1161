import * as grpc from '@grpc/grpc-js';
import { bootService, type RunningService } from '@tessera/common';
import { openServiceResources } from '@tessera/service-kit';
import type { Bus } from '@tessera/bus';
import { authV1, federationV1, miningV1 } from '@tessera/proto';
import { schedulerConfig } from './scheduler.config';
import { schedulerMigrations } from './migrations';
import { SchedulerModule } from './scheduler.module';
import { ScheduleService } from './schedule.service';
import { ErasureService } from './erasure/erasure.service';
import { PlannerService } from './planner.service';
import { schedulerGrpcBinding } from './grpc/scheduler.grpc';
import type { RunHandler } from './kinds/run-handler';
import type { ScheduleKind } from './rules/schedule-input.util';

export const SCHEDULER_SCHEMA = 'scheduler';

export interface SchedulerService extends RunningService {
  planner: PlannerService;
  schedules: ScheduleService;
  erasures: ErasureService;
}

/**
 * The scheduler service (hub): recurring mining, rounds, insights refreshes and retention
 * sweeps on a Postgres job queue (pg-boss), and data-subject erasure across the services.
 */
export async function startSchedulerService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus; schema?: string; handlers?: Partial<Record<ScheduleKind, RunHandler>> } = {}): Promise<SchedulerService> {
  const config = schedulerConfig.load(env);
  const resources = await openServiceResources({ name: 'scheduler', config, database: { schema: deps.schema ?? config.DATABASE_SCHEMA ?? SCHEDULER_SCHEMA, migrations: schedulerMigrations }, useBus: true, bus: deps.bus });
  const insecure = grpc.credentials.createInsecure();
  const mining = new miningV1.MiningServiceClient(config.MINING_GRPC_URL, insecure);
  const federation = new federationV1.FederationServiceClient(config.FEDERATION_GRPC_URL, insecure);
  const auth = new authV1.AuthServiceClient(config.AUTH_GRPC_URL, insecure);
  const running = await bootService({
    name: 'scheduler',
    module: SchedulerModule.register({ config, dataSource: resources.dataSource!, bus: resources.bus!, logger: resources.logger, metrics: resources.metrics, healthChecks: resources.healthChecks, mining, federation, auth, handlers: deps.handlers }),
    logger: resources.logger,
    http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
    grpc: { host: config.HTTP_HOST, port: config.GRPC_PORT, bindings: (app) => [schedulerGrpcBinding(app.get(ScheduleService), app.get(ErasureService))] },
  });
  return {
    ...running,
    planner: running.app.get(PlannerService),
    schedules: running.app.get(ScheduleService),
    erasures: running.app.get(ErasureService),
    async close() {
      await running.close();
      mining.close();
      federation.close();
      auth.close();
      await resources.close();
    },
  };
}
