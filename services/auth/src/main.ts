import { startBasicService } from '@tessera/service-kit';
import type { RunningService } from '@tessera/common';
import type { Bus } from '@tessera/bus';
import { authConfig } from './auth.config';

export const AUTH_SCHEMA = 'auth';

/**
 * The auth service: users, roles, tokens, API keys and the audit log (hub). Its domain arrives with its own issue; until then it
 * owns and migrates its schema, connects to the bus, and serves health and metrics.
 */
export async function startAuthService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus } = {}): Promise<RunningService> {
  const config = authConfig.load(env);
  return startBasicService({ name: 'auth', config, schema: AUTH_SCHEMA, useBus: true, bus: deps.bus });
}
