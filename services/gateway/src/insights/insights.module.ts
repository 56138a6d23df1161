import { Module } from '@nestjs/common';
import { grpcClientProvider } from '@tessera/nest-core';
import type { GatewayHubConfig, GatewayStoreNodeConfig } from '../gateway.config';
import { INSIGHTS_HUB_CLIENT, INSIGHTS_NODE_CLIENT, createInsightsClient } from './insights.clients';
import { ConsortiumInsightsController, InsightsController } from './insights.controller';
import { InsightsGatewayService } from './insights.service';

/** A store's own insights (forecasts, prices, stock alerts, bundles with its measure), from its node's insights service: store-node role. */
@Module({
  controllers: [InsightsController],
  providers: [grpcClientProvider(INSIGHTS_NODE_CLIENT, (config: GatewayStoreNodeConfig) => createInsightsClient(config.INSIGHTS_GRPC_URL)), InsightsGatewayService],
})
export class InsightsModule {}

/** The consortium's insights, from the hub's insights service: hub role. */
@Module({
  controllers: [ConsortiumInsightsController],
  providers: [grpcClientProvider(INSIGHTS_HUB_CLIENT, (config: GatewayHubConfig) => createInsightsClient(config.INSIGHTS_HUB_GRPC_URL)), InsightsGatewayService],
})
export class ConsortiumInsightsModule {}
