import type { Bus } from '@tessera/bus';
import { bootNestService, type NestService } from '@tessera/nest-core';
import { insightsV1 } from '@tessera/proto';
import { insightsConfig } from './insights.config';
import { InsightsModule } from './insights.module';
import { insightsMigrations } from './migrations';

export const INSIGHTS_SCHEMA = 'insights';

/**
 * The insights service: on a store node (INSIGHTS_ROLE=store-node) the store's own forecasts,
 * elasticities, stock alerts and exactly measured bundles; on the hub (hub) bundles,
 * forecasts, anomalies and prices from the rounds' published aggregates; both in the
 * all-in-one process. Refreshes after rounds and batches; serves tessera.insights.v1 over gRPC.
 */
export async function startInsightsService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus } = {}): Promise<NestService> {
  const config = insightsConfig.load(env);
  return bootNestService({
    core: { name: 'insights', config, database: { schema: config.DATABASE_SCHEMA ?? INSIGHTS_SCHEMA, migrations: insightsMigrations }, useBus: true, bus: deps.bus },
    module: InsightsModule,
    grpc: [{ host: config.HTTP_HOST, port: config.GRPC_PORT, services: [insightsV1.InsightsServiceService] }],
  });
}
