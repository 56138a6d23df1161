import { startBasicService } from '@tessera/service-kit';
import type { RunningService } from '@tessera/common';
import type { Bus } from '@tessera/bus';
import { miningConfig } from './mining.config';

export const MINING_SCHEMA = 'mining';

/**
 * The mining service: local high-utility itemset mining on the store node. Its domain arrives with its own issue; until then it
 * owns and migrates its schema, connects to the bus, and serves health and metrics.
 */
export async function startMiningService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus } = {}): Promise<RunningService> {
  const config = miningConfig.load(env);
  return startBasicService({ name: 'mining', config, schema: MINING_SCHEMA, useBus: true, bus: deps.bus });
}
