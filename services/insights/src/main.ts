import { startBasicService } from '@tessera/service-kit';
import type { RunningService } from '@tessera/common';
import type { Bus } from '@tessera/bus';
import { insightsConfig } from './insights.config';

export const INSIGHTS_SCHEMA = 'insights';

/**
 * The insights service: bundles, trends, forecasts and pricing hints (hub). Its domain arrives with its own issue; until then it
 * owns and migrates its schema, connects to the bus, and serves health and metrics.
 */
export async function startInsightsService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus } = {}): Promise<RunningService> {
  const config = insightsConfig.load(env);
  return startBasicService({ name: 'insights', config, schema: config.DATABASE_SCHEMA ?? INSIGHTS_SCHEMA, useBus: true, bus: deps.bus });
}
