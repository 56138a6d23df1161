import { startBasicService } from '@tessera/service-kit';
import type { RunningService } from '@tessera/common';
import type { Bus } from '@tessera/bus';
import { privacyConfig } from './privacy.config';

export const PRIVACY_SCHEMA = 'privacy';

/**
 * The privacy service: the store's guardian: DP noise, budget ledger, secure-aggregation client (store node). Its domain arrives with its own issue; until then it
 * owns and migrates its schema, connects to the bus, and serves health and metrics.
 */
export async function startPrivacyService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus } = {}): Promise<RunningService> {
  const config = privacyConfig.load(env);
  return startBasicService({ name: 'privacy', config, schema: PRIVACY_SCHEMA, useBus: true, bus: deps.bus });
}
