import { startBasicService } from '@tessera/service-kit';
import type { RunningService } from '@tessera/common';
import type { Bus } from '@tessera/bus';
import { federationConfig } from './federation.config';

export const FEDERATION_SCHEMA = 'federation';

/**
 * The federation service: federated rounds, secure-aggregation server and global patterns (hub). Its domain arrives with its own issue; until then it
 * owns and migrates its schema, connects to the bus, and serves health and metrics.
 */
export async function startFederationService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus } = {}): Promise<RunningService> {
  const config = federationConfig.load(env);
  return startBasicService({ name: 'federation', config, schema: config.DATABASE_SCHEMA ?? FEDERATION_SCHEMA, useBus: true, bus: deps.bus });
}
