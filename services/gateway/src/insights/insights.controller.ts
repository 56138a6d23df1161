import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../access/access.decorator';
import { CurrentCaller, type Caller } from '../http/caller';
import { ConsortiumForecastsQuery, InsightsStoreQuery, StoreForecastsQuery } from './insights.dto';
import { InsightsGatewayService } from './insights.service';

const EVERYONE = ['store_manager', 'regional_coordinator', 'admin'] as const;

/** A store's own insights (its manager only), from its node's insights service: store-node role. */
@ApiTags('insights')
@Controller('api/insights')
export class InsightsController {
  constructor(private readonly insights: InsightsGatewayService) {}

  @Get('bundles')
  @Access({ roles: ['store_manager'], store: 'query.storeId' })
  @ApiOperation({ summary: "The consortium's bundles of the latest itemset round, ranked by revenue impact, with the store's own exact measure beside each" })
  bundles(@Query() query: InsightsStoreQuery, @CurrentCaller() caller: Caller) {
    return this.insights.bundles(query.storeId, caller.requestId);
  }

  @Get('forecasts')
  @Access({ roles: ['store_manager'], store: 'query.storeId' })
  @ApiOperation({ summary: "Demand forecasts of the store's top items (or one sku) with 80%/95% intervals and their backtest against seasonal naive" })
  forecasts(@Query() query: StoreForecastsQuery, @CurrentCaller() caller: Caller) {
    return this.insights.forecasts(query, caller.requestId);
  }

  @Get('prices')
  @Access({ roles: ['store_manager'], store: 'query.storeId' })
  @ApiOperation({ summary: "Own-price elasticities from the store's history, with a recommendation only where the evidence supports one" })
  prices(@Query() query: InsightsStoreQuery, @CurrentCaller() caller: Caller) {
    return this.insights.prices(query.storeId, caller.requestId);
  }

  @Get('stock-alerts')
  @Access({ roles: ['store_manager'], store: 'query.storeId' })
  @ApiOperation({ summary: 'Reorder points and days to stock-out of the counted items; alerts first' })
  stockAlerts(@Query() query: InsightsStoreQuery, @CurrentCaller() caller: Caller) {
    return this.insights.stockAlerts(query.storeId, caller.requestId);
  }

  @Post('stock')
  @HttpCode(200)
  @Access({ roles: ['store_manager'], store: 'query.storeId', audit: { action: 'insights.stock', by: 'gateway' } })
  @ApiOperation({ summary: 'Record a stock snapshot (schemas/stock-snapshot.v1.schema.json); answers the items recorded and the current alerts' })
  @ApiBody({ description: 'A stock snapshot: { countedAt, defaultLeadTimeDays?, defaultServiceLevel?, items: [{ sku, name?, stock, leadTimeDays?, serviceLevel? }] }', schema: { type: 'object' } })
  recordStock(@Query() query: InsightsStoreQuery, @Body() body: Record<string, unknown>, @CurrentCaller() caller: Caller) {
    return this.insights.recordStock(query.storeId, body, caller.requestId);
  }
}

/** The consortium's insights (everyone signed in), from the hub's insights service: noisy aggregates over stores, never one store's numbers. Hub role. */
@ApiTags('insights')
@Controller('api/insights/consortium')
export class ConsortiumInsightsController {
  constructor(private readonly insights: InsightsGatewayService) {}

  @Get('bundles')
  @Access({ roles: [...EVERYONE], store: 'none' })
  @ApiOperation({ summary: 'Bundles of the latest itemset round: revenue impact, support, confidence, lift with a 95% interval that includes the DP noise' })
  consortiumBundles(@CurrentCaller() caller: Caller) {
    return this.insights.bundles(undefined, caller.requestId);
  }

  @Get('forecasts')
  @Access({ roles: [...EVERYONE], store: 'none' })
  @ApiOperation({ summary: 'Consortium demand forecasts from the latest demand-series round' })
  consortiumForecasts(@Query() query: ConsortiumForecastsQuery, @CurrentCaller() caller: Caller) {
    return this.insights.forecasts(query, caller.requestId);
  }

  @Get('prices')
  @Access({ roles: [...EVERYONE], store: 'none' })
  @ApiOperation({ summary: 'Consortium elasticities from the latest price-response round, with recommendations' })
  consortiumPrices(@CurrentCaller() caller: Caller) {
    return this.insights.prices(undefined, caller.requestId);
  }

  @Get('anomalies')
  @Access({ roles: [...EVERYONE], store: 'none' })
  @ApiOperation({ summary: 'Unusual periods of the consortium demand series: spikes, dips and level shifts' })
  anomalies(@CurrentCaller() caller: Caller) {
    return this.insights.anomalies(caller.requestId);
  }
}
