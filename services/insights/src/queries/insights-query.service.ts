import * as grpc from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import { GrpcError } from '@tessera/common';
import type { Period } from '@tessera/forecast';
import { SERVICE_CONFIG } from '@tessera/nest-core';
import { insightsV1 } from '@tessera/proto';
import type { InsightsConfig } from '../insights.config';
import type { AnomalyDocument, BundleDocument, ForecastDocument, PriceDocument, StockAlertView } from '../insight-documents';
import { stockAlerts } from '../insights.util';
import { RefreshScheduler } from '../refresh/refresh.scheduler';
import { ResultRepository, type ResultOwner } from '../repositories/result.repository';
import { StockRepository } from '../repositories/stock.repository';
import { StockSnapshotValidator } from '../stock-snapshot.validator';

const PERIOD_OF: Partial<Record<insightsV1.Period, Period>> = { [insightsV1.Period.PERIOD_DAY]: 'day', [insightsV1.Period.PERIOD_WEEK]: 'week', [insightsV1.Period.PERIOD_MONTH]: 'month' };

/** Reads of computed insights, scoped by role: a store's own only on its node, the consortium's only on the hub. */
@Injectable()
export class InsightsQueryService {
  private readonly validator: StockSnapshotValidator;

  constructor(
    private readonly results: ResultRepository,
    private readonly stock: StockRepository,
    private readonly scheduler: RefreshScheduler,
    @Inject(SERVICE_CONFIG) private readonly config: InsightsConfig,
  ) {
    this.validator = new StockSnapshotValidator({ leadTimeDays: config.INSIGHTS_LEAD_TIME_DAYS, serviceLevel: Number(config.INSIGHTS_SERVICE_LEVEL) });
  }

  owner(scope: insightsV1.Scope, storeId: string): ResultOwner {
    if (scope === insightsV1.Scope.SCOPE_STORE) return { scope: 'store', storeId: this.storeOnNode(storeId) };
    if (scope === insightsV1.Scope.SCOPE_CONSORTIUM) {
      if (!this.scheduler.isHub) throw new GrpcError(grpc.status.FAILED_PRECONDITION, "this insights instance runs on a store node; the consortium's insights are on the hub");
      return { scope: 'consortium' };
    }
    throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'scope must be SCOPE_STORE or SCOPE_CONSORTIUM');
  }

  private storeOnNode(storeId: string): string {
    if (!storeId) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'storeId is required for a store scope');
    if (!this.scheduler.isStoreNode) throw new GrpcError(grpc.status.FAILED_PRECONDITION, "this insights instance is the hub's; a store's own insights are on its node");
    return storeId;
  }

  async bundles(request: insightsV1.ListBundlesRequest): Promise<insightsV1.ListBundlesResponse> {
    const document = (await this.results.find<BundleDocument>(this.owner(request.scope, request.storeId), 'bundles')) ?? { round: null, bundles: [] };
    return insightsV1.ListBundlesResponse.fromPartial({
      round: document.round ?? undefined,
      bundles: document.bundles.map((bundle) => ({
        ...bundle,
        support: bundle.support ?? undefined,
        confidence: bundle.confidence ?? undefined,
        lift: bundle.lift ?? undefined,
        liftLow95: bundle.liftLow95 ?? undefined,
        liftHigh95: bundle.liftHigh95 ?? undefined,
        reason: bundle.reason ?? '',
      })),
    });
  }

  async forecasts(request: insightsV1.ListForecastsRequest): Promise<insightsV1.ListForecastsResponse> {
    const period = PERIOD_OF[request.period] ?? 'week';
    const document = await this.results.find<ForecastDocument>(this.owner(request.scope, request.storeId), 'forecasts', period);
    let forecasts = document?.forecasts ?? [];
    if (request.sku) forecasts = forecasts.filter((f) => f.sku === request.sku);
    else forecasts = forecasts.slice(0, request.top > 0 ? request.top : 20);
    const horizon = request.horizon > 0 ? request.horizon : Infinity;
    return insightsV1.ListForecastsResponse.fromPartial({
      round: document?.round ?? undefined,
      forecasts: forecasts.map((f) => ({ ...f, reason: f.reason ?? '', points: f.points.slice(0, horizon), backtest: f.backtest ?? undefined })),
    });
  }

  async prices(request: insightsV1.ListPricesRequest): Promise<insightsV1.ListPricesResponse> {
    const document = (await this.results.find<PriceDocument>(this.owner(request.scope, request.storeId), 'prices')) ?? { round: null, items: [] };
    return insightsV1.ListPricesResponse.fromPartial({
      round: document.round ?? undefined,
      items: document.items.map((item) => ({ ...item, elasticity: item.elasticity ?? undefined, low95: item.low95 ?? undefined, high95: item.high95 ?? undefined, recommendation: item.recommendation ?? undefined })),
    });
  }

  async anomalies(): Promise<insightsV1.ListAnomaliesResponse> {
    const document = (await this.results.find<AnomalyDocument>(this.owner(insightsV1.Scope.SCOPE_CONSORTIUM, ''), 'anomalies')) ?? { round: null, anomalies: [] };
    return insightsV1.ListAnomaliesResponse.fromPartial({ round: document.round ?? undefined, anomalies: document.anomalies });
  }

  async stockAlerts(request: insightsV1.ListStockAlertsRequest): Promise<insightsV1.ListStockAlertsResponse> {
    return { alerts: (await this.currentAlerts(this.storeOnNode(request.storeId))).map(toAlertMessage) };
  }

  /** Validates and records a snapshot, then re-forecasts the store so newly counted items get reorder points. */
  async recordStockSnapshot(request: insightsV1.RecordStockSnapshotRequest): Promise<insightsV1.RecordStockSnapshotResponse> {
    const storeId = this.storeOnNode(request.storeId);
    const checked = this.validator.check(request.snapshotJson);
    if (!checked.ok) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `${checked.field}: ${checked.reason}`);
    await this.stock.record(storeId, checked.levels);
    const alerts = await this.currentAlerts(storeId);
    const forecastMissing = checked.levels.some((level) => !alerts.some((alert) => alert.sku === level.sku));
    if (forecastMissing) this.scheduler.schedule({ scope: 'store', storeId }, 'stock snapshot');
    return { items: checked.levels.length, alerts: alerts.map(toAlertMessage) };
  }

  async refresh(request: insightsV1.RefreshRequest): Promise<insightsV1.RefreshResponse> {
    if (request.scope === insightsV1.Scope.SCOPE_CONSORTIUM) {
      this.owner(request.scope, '');
      await this.scheduler.run({ scope: 'consortium' }, 'manual');
      return { refreshed: ['consortium'] };
    }
    if (request.scope !== insightsV1.Scope.SCOPE_STORE) throw new GrpcError(grpc.status.INVALID_ARGUMENT, 'scope must be SCOPE_STORE or SCOPE_CONSORTIUM');
    if (!this.scheduler.isStoreNode) throw new GrpcError(grpc.status.FAILED_PRECONDITION, "this insights instance is the hub's; a store's own insights are on its node");
    const storeIds = request.storeId ? [request.storeId] : await this.scheduler.storeIds();
    for (const storeId of storeIds) await this.scheduler.run({ scope: 'store', storeId }, 'manual');
    return { refreshed: storeIds };
  }

  private async currentAlerts(storeId: string): Promise<StockAlertView[]> {
    const [levels, daily] = await Promise.all([this.stock.list(storeId), this.results.find<ForecastDocument>({ scope: 'store', storeId }, 'forecasts', 'day')]);
    return stockAlerts(levels, daily);
  }
}

function toAlertMessage(alert: StockAlertView): insightsV1.StockAlert {
  return { ...alert, daysToStockOut: alert.daysToStockOut ?? undefined };
}
