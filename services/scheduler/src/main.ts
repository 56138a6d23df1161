import type { Bus } from '@tessera/bus';
import { bootNestService, type NestService } from '@tessera/nest-core';
import { schedulerConfig } from './scheduler.config';
import { SchedulerModule } from './scheduler.module';

export const SCHEDULER_SCHEMA = 'scheduler';

/**
 * The scheduler service: recurring mining, rounds and retention (hub). Its domain arrives with its own issue; until then it
 * owns and migrates its schema, connects to the bus, and serves health and metrics.
 */
export async function startSchedulerService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus } = {}): Promise<NestService> {
  const config = schedulerConfig.load(env);
  return bootNestService({
    core: { name: 'scheduler', config, database: { schema: config.DATABASE_SCHEMA ?? SCHEDULER_SCHEMA, migrations: [] }, useBus: true, bus: deps.bus },
    module: SchedulerModule,
  });
}
