import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { insightsV1 } from '@tessera/proto';
import { InsightsQueryService } from '../queries/insights-query.service';

/** tessera.insights.v1.InsightsService: one line per method. */
@Controller()
export class InsightsGrpcController {
  constructor(private readonly insights: InsightsQueryService) {}

  @GrpcMethod('InsightsService', 'ListBundles')
  listBundles(request: insightsV1.ListBundlesRequest) {
    return this.insights.bundles(request);
  }

  @GrpcMethod('InsightsService', 'ListForecasts')
  listForecasts(request: insightsV1.ListForecastsRequest) {
    return this.insights.forecasts(request);
  }

  @GrpcMethod('InsightsService', 'ListPrices')
  listPrices(request: insightsV1.ListPricesRequest) {
    return this.insights.prices(request);
  }

  @GrpcMethod('InsightsService', 'ListStockAlerts')
  listStockAlerts(request: insightsV1.ListStockAlertsRequest) {
    return this.insights.stockAlerts(request);
  }

  @GrpcMethod('InsightsService', 'RecordStockSnapshot')
  recordStockSnapshot(request: insightsV1.RecordStockSnapshotRequest) {
    return this.insights.recordStockSnapshot(request);
  }

  @GrpcMethod('InsightsService', 'ListAnomalies')
  listAnomalies() {
    return this.insights.anomalies();
  }

  @GrpcMethod('InsightsService', 'Refresh')
  refresh(request: insightsV1.RefreshRequest) {
    return this.insights.refresh(request);
  }
}
