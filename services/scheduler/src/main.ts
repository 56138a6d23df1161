import { startBasicService } from '@tessera/service-kit';
import type { RunningService } from '@tessera/common';
import type { Bus } from '@tessera/bus';
import { schedulerConfig } from './scheduler.config';

export const SCHEDULER_SCHEMA = 'scheduler';

/**
 * The scheduler service: recurring mining, rounds and retention (hub). Its domain arrives with its own issue; until then it
 * owns and migrates its schema, connects to the bus, and serves health and metrics.
 */
export async function startSchedulerService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus } = {}): Promise<RunningService> {
  const config = schedulerConfig.load(env);
  return startBasicService({ name: 'scheduler', config, schema: config.DATABASE_SCHEMA ?? SCHEDULER_SCHEMA, useBus: true, bus: deps.bus });
}
