import type { Bus } from '@tessera/bus';
import { bootNestService, type NestService } from '@tessera/nest-core';
import { insightsConfig } from './insights.config';
import { InsightsModule } from './insights.module';

export const INSIGHTS_SCHEMA = 'insights';

/**
 * The insights service: bundles, trends, forecasts and pricing hints (hub). Its domain arrives with its own issue; until then it
 * owns and migrates its schema, connects to the bus, and serves health and metrics.
 */
export async function startInsightsService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus } = {}): Promise<NestService> {
  const config = insightsConfig.load(env);
  return bootNestService({
    core: { name: 'insights', config, database: { schema: config.DATABASE_SCHEMA ?? INSIGHTS_SCHEMA, migrations: [] }, useBus: true, bus: deps.bus },
    module: InsightsModule,
  });
}
