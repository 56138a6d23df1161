import { Module } from '@nestjs/common';
import { FederationClient, NodeClients } from './clients/grpc-clients';
import { StoreSalesReader } from './clients/store-sales.reader';
import { InsightsEventsController } from './events/insights.events.controller';
import { InsightsGrpcController } from './grpc/insights.grpc.controller';
import { InsightsQueryService } from './queries/insights-query.service';
import { ConsortiumBundlesReader } from './refresh/consortium-bundles.reader';
import { ConsortiumInsightsService } from './refresh/consortium-insights.service';
import { RefreshScheduler } from './refresh/refresh.scheduler';
import { StoreInsightsService } from './refresh/store-insights.service';
import { ResultRepository } from './repositories/result.repository';
import { StockRepository } from './repositories/stock.repository';

/**
 * The insights service's own providers and controllers. The core (config, logger, metrics,
 * database, bus, health) is global and comes from CoreModule.forService in main.ts.
 */
@Module({
  controllers: [InsightsGrpcController, InsightsEventsController],
  providers: [
    NodeClients,
    FederationClient,
    StoreSalesReader,
    ResultRepository,
    StockRepository,
    ConsortiumBundlesReader,
    StoreInsightsService,
    ConsortiumInsightsService,
    RefreshScheduler,
    InsightsQueryService,
  ],
})
export class InsightsModule {}
