import { Inject, Injectable, Optional, ServiceUnavailableException } from '@nestjs/common';
import { insightsV1 } from '@tessera/proto';
import { Downstream, type UnaryMethod } from '../clients/downstream';
import { INSIGHTS_HUB_CLIENT, INSIGHTS_NODE_CLIENT } from './insights.clients';
import type { ConsortiumForecastsQuery, StoreForecastsQuery } from './insights.dto';

const PERIOD = { day: insightsV1.Period.PERIOD_DAY, week: insightsV1.Period.PERIOD_WEEK, month: insightsV1.Period.PERIOD_MONTH } as const;
const { SCOPE_STORE, SCOPE_CONSORTIUM } = insightsV1.Scope;

const orNull = (value: number | undefined) => (value === undefined ? null : value);
const round = (value: { roundId: string; completedAt: string } | undefined) => (value && value.roundId ? { roundId: value.roundId, completedAt: value.completedAt } : null);

/**
 * Insights for the dashboard: a store's own from its node's insights service, the
 * consortium's from the hub's. JSON in the shapes of docs/insights.md.
 */
@Injectable()
export class InsightsGatewayService {
  private readonly clients: { node?: insightsV1.InsightsServiceClient; hub?: insightsV1.InsightsServiceClient };

  /** Each module provides one client: the store node's (its own insights) or the hub's (the consortium's). */
  constructor(
    private readonly downstream: Downstream,
    @Optional() @Inject(INSIGHTS_NODE_CLIENT) node?: insightsV1.InsightsServiceClient,
    @Optional() @Inject(INSIGHTS_HUB_CLIENT) hub?: insightsV1.InsightsServiceClient,
  ) {
    this.clients = { node, hub };
  }

  private call<Req, Res>(client: insightsV1.InsightsServiceClient | undefined, method: keyof insightsV1.InsightsServiceClient, request: Req, requestId?: string): Promise<Res> {
    if (!client) throw new ServiceUnavailableException('this gateway role has no insights service for that scope');
    const bound = (client[method] as unknown as (...args: unknown[]) => unknown).bind(client) as UnaryMethod<Req, Res>;
    return this.downstream.unary('insights', bound, request, requestId);
  }

  async bundles(storeId: string | undefined, requestId?: string) {
    const client = storeId ? this.clients.node : this.clients.hub;
    const response = await this.call<insightsV1.ListBundlesRequest, insightsV1.ListBundlesResponse>(client, 'listBundles', { scope: storeId ? SCOPE_STORE : SCOPE_CONSORTIUM, storeId: storeId ?? '' }, requestId);
    return {
      round: round(response.round),
      bundles: response.bundles.map((bundle) => ({
        items: bundle.items.map((item) => ({ sku: item.sku, name: item.name || item.sku })),
        revenueImpactCents: bundle.revenueImpactCents,
        support: orNull(bundle.support),
        confidence: orNull(bundle.confidence),
        lift: orNull(bundle.lift),
        liftLow95: orNull(bundle.liftLow95),
        liftHigh95: orNull(bundle.liftHigh95),
        liftAboveOne: bundle.liftAboveOne,
        ...(bundle.reason ? { reason: bundle.reason } : {}),
        ...(storeId && bundle.store ? { store: { ...bundle.store } } : {}),
      })),
    };
  }

  async forecasts(query: StoreForecastsQuery | ConsortiumForecastsQuery, requestId?: string) {
    const storeId = 'storeId' in query ? query.storeId : undefined;
    const response = await this.call<insightsV1.ListForecastsRequest, insightsV1.ListForecastsResponse>(
      storeId ? this.clients.node : this.clients.hub,
      'listForecasts',
      { scope: storeId ? SCOPE_STORE : SCOPE_CONSORTIUM, storeId: storeId ?? '', period: PERIOD[query.period ?? 'week'], horizon: query.horizon ?? 0, top: query.top ?? 20, sku: ('sku' in query && query.sku) || '' },
      requestId,
    );
    return {
      period: query.period ?? 'week',
      forecasts: response.forecasts.map((forecast) => ({
        sku: forecast.sku,
        name: forecast.name || forecast.sku,
        model: forecast.model,
        fellBack: forecast.fellBack,
        ...(forecast.reason ? { reason: forecast.reason } : {}),
        history: forecast.history,
        points: forecast.points,
        backtest: forecast.backtest ? { mase: forecast.backtest.mase, smape: forecast.backtest.smape, seasonalNaiveMase: forecast.backtest.seasonalNaiveMase } : null,
      })),
    };
  }

  async prices(storeId: string | undefined, requestId?: string) {
    const response = await this.call<insightsV1.ListPricesRequest, insightsV1.ListPricesResponse>(storeId ? this.clients.node : this.clients.hub, 'listPrices', { scope: storeId ? SCOPE_STORE : SCOPE_CONSORTIUM, storeId: storeId ?? '' }, requestId);
    return {
      round: round(response.round),
      items: response.items.map((item) => ({
        sku: item.sku,
        name: item.name || item.sku,
        elasticity: orNull(item.elasticity),
        low95: orNull(item.low95),
        high95: orNull(item.high95),
        recommendation: item.recommendation ? { ...item.recommendation, action: item.recommendation.action as 'raise' | 'lower' } : null,
        reason: item.reason,
      })),
    };
  }

  async stockAlerts(storeId: string, requestId?: string) {
    const response = await this.call<insightsV1.ListStockAlertsRequest, insightsV1.ListStockAlertsResponse>(this.clients.node, 'listStockAlerts', { storeId }, requestId);
    return { alerts: response.alerts.map(alertJson) };
  }

  async recordStock(storeId: string, snapshot: unknown, requestId?: string) {
    const response = await this.call<insightsV1.RecordStockSnapshotRequest, insightsV1.RecordStockSnapshotResponse>(this.clients.node, 'recordStockSnapshot', { storeId, snapshotJson: JSON.stringify(snapshot ?? null) }, requestId);
    return { items: response.items, alerts: response.alerts.map(alertJson) };
  }

  async anomalies(requestId?: string) {
    const response = await this.call<insightsV1.ListAnomaliesRequest, insightsV1.ListAnomaliesResponse>(this.clients.hub, 'listAnomalies', {}, requestId);
    return { round: round(response.round), anomalies: response.anomalies };
  }
}

function alertJson(alert: insightsV1.StockAlert) {
  return { ...alert, name: alert.name || alert.sku, daysToStockOut: orNull(alert.daysToStockOut) };
}
