import { Module } from '@nestjs/common';
import { grpcClientProvider } from '@tessera/nest-core';
import type { GatewayConfig } from '../gateway.config';
import { INSIGHTS_HUB_CLIENT, INSIGHTS_NODE_CLIENT, createInsightsClient } from './insights.clients';
import { InsightsController } from './insights.controller';
import { InsightsGatewayService } from './insights.service';

/** A store's own insights (from its node) and the consortium's (from the hub), through the insights gRPC API. */
@Module({
  controllers: [InsightsController],
  providers: [
    grpcClientProvider(INSIGHTS_NODE_CLIENT, (config: GatewayConfig) => createInsightsClient(config.INSIGHTS_GRPC_URL)),
    grpcClientProvider(INSIGHTS_HUB_CLIENT, (config: GatewayConfig) => createInsightsClient(config.INSIGHTS_HUB_GRPC_URL)),
    InsightsGatewayService,
  ],
})
export class InsightsModule {}
