import type { Bus } from '@tessera/bus';
import { bootNestService, type NestService } from '@tessera/nest-core';
import { schedulerV1 } from '@tessera/proto';
import { loadSchedulerConfig } from './scheduler.config';
import { schedulerMigrations } from './migrations';
import { SchedulerModule } from './scheduler.module';
import { ScheduleService } from './schedule.service';
import { ErasureService } from './erasure/erasure.service';
import { PlannerService } from './planner.service';
import type { RunHandler } from './kinds/run-handler';
import type { ScheduleKind } from './rules/schedule-input.util';

export const SCHEDULER_SCHEMA = 'scheduler';

export interface SchedulerService extends NestService {
  planner: PlannerService;
  schedules: ScheduleService;
  erasures: ErasureService;
}

/**
 * The scheduler service in its role (SCHEDULER_ROLE): recurring mining, rounds, insights
 * refreshes and retention sweeps on a Postgres job queue (pg-boss), and data-subject erasure
 * across the services. The hub runs the hub's work, a store node its stores' (NODE_STORE_IDS),
 * the all role both.
 */
export async function startSchedulerService(
  env: Record<string, string | undefined> = process.env,
  deps: { bus?: Bus; schema?: string; handlers?: Partial<Record<ScheduleKind, RunHandler>> } = {},
): Promise<SchedulerService> {
  const config = loadSchedulerConfig(env);
  const running = await bootNestService({
    core: { name: 'scheduler', config, database: { schema: deps.schema ?? config.DATABASE_SCHEMA ?? SCHEDULER_SCHEMA, migrations: schedulerMigrations }, useBus: true, bus: deps.bus },
    module: SchedulerModule.register({ role: config.SCHEDULER_ROLE, handlers: deps.handlers }),
    grpc: [{ host: config.HTTP_HOST, port: config.GRPC_PORT, services: [schedulerV1.SchedulerServiceService] }],
  });
  return { ...running, planner: running.app.get(PlannerService), schedules: running.app.get(ScheduleService), erasures: running.app.get(ErasureService) };
}
