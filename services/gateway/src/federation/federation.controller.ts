import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access } from '../access/access.decorator';
import { CurrentCaller, type Caller } from '../http/caller';
import { DemandSeriesQuery, EnrolStoreBody, GlobalPatternsQuery, PageQuery, RoundParams, StartRoundBody } from './federation.dto';
import { FederationService } from './federation.service';

/** Federated rounds across stores: coordinators run them; everyone reads the global results. */
@ApiTags('federated')
@Controller('api/federated')
export class FederationController {
  constructor(private readonly federation: FederationService) {}

  @Post('rounds/start')
  @HttpCode(202)
  @Access({ roles: ['regional_coordinator', 'admin'], store: 'scope', audit: { action: 'round.start', by: 'gateway' } })
  @ApiOperation({ summary: "Start a federated round across the caller's connected stores: itemsets (default), demand-series or price-response (kind and its parameters); follow it on /rounds/:id or /rounds/events" })
  start(@Body() body: StartRoundBody, @CurrentCaller() caller: Caller) {
    return this.federation.start(body, caller.visibleStores, caller.principal?.id ?? 'unknown', caller.requestId);
  }

  @Get('rounds')
  @Access({ roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'none' })
  @ApiOperation({ summary: 'Rounds, newest first, with participants and status' })
  list(@Query() query: PageQuery, @CurrentCaller() caller: Caller) {
    return this.federation.list(query, caller.requestId);
  }

  @Get('rounds/events')
  @Access({ roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'none' })
  @ApiOperation({ summary: 'Round progress as server-sent events (text/event-stream)' })
  @ApiProduces('text/event-stream')
  events(@Res() response: Response) {
    response.setHeader('Content-Type', 'text/event-stream');
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('Connection', 'keep-alive');
    response.flushHeaders();
    response.write(': connected\n\n');
    const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    const stop = this.federation.watch(
      (event) => response.write(`event: round\ndata: ${JSON.stringify(event)}\n\n`),
      (error) => {
        clearInterval(heartbeat);
        if (error) response.write(`event: error\ndata: ${JSON.stringify({ message: 'the federation service closed the feed; reconnect' })}\n\n`);
        response.end();
      },
    );
    response.on('close', () => {
      clearInterval(heartbeat);
      stop();
    });
  }

  @Get('rounds/:id')
  @Access({ roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'none' })
  @ApiOperation({ summary: 'One round: status, participants, noise scale, failure reason' })
  get(@Param() params: RoundParams, @CurrentCaller() caller: Caller) {
    return this.federation.get(params.id, caller.requestId);
  }

  @Get('rounds/:id/demand-series')
  @Access({ roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'none' })
  @ApiOperation({ summary: 'Noisy summed quantity and revenue per item and period of a completed demand-series round, with 95% intervals from the known noise' })
  roundDemandSeries(@Param() params: RoundParams, @Query() query: DemandSeriesQuery, @CurrentCaller() caller: Caller) {
    return this.federation.demandSeries(params.id, query, caller.requestId);
  }

  @Get('rounds/:id/price-responses')
  @Access({ roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'none' })
  @ApiOperation({ summary: 'Price elasticities per item fitted from a completed price-response round, with 95% intervals that include the DP noise' })
  roundPriceResponses(@Param() params: RoundParams, @CurrentCaller() caller: Caller) {
    return this.federation.priceResponses(params.id, caller.requestId);
  }

  @Get('demand-series')
  @Access({ roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'none' })
  @ApiOperation({ summary: 'Demand series of the latest completed demand-series round (round null and no series before one has completed)' })
  latestDemandSeries(@Query() query: DemandSeriesQuery, @CurrentCaller() caller: Caller) {
    return this.federation.demandSeries('', query, caller.requestId);
  }

  @Get('price-responses')
  @Access({ roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'none' })
  @ApiOperation({ summary: 'Price elasticities of the latest completed price-response round (round null and no items before one has completed)' })
  latestPriceResponses(@CurrentCaller() caller: Caller) {
    return this.federation.priceResponses('', caller.requestId);
  }

  @Get('global-patterns')
  @Access({ roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'none' })
  @ApiOperation({ summary: 'Global high-utility itemsets of a round (default: the latest completed), with noisy utility, support, coverage and 95% interval' })
  globalPatterns(@Query() query: GlobalPatternsQuery, @CurrentCaller() caller: Caller) {
    return this.federation.globalPatterns(query, caller.requestId);
  }

  @Post('stores')
  @HttpCode(201)
  @Access({ roles: ['regional_coordinator', 'admin'], store: 'body.storeId', audit: { action: 'federation.enrol', by: 'gateway' } })
  @ApiOperation({ summary: "Enrol a store for federation with its node's identity public key" })
  enrol(@Body() body: EnrolStoreBody, @CurrentCaller() caller: Caller) {
    return this.federation.enrol(body, caller.requestId);
  }

  @Get('stores')
  @Access({ roles: ['regional_coordinator', 'admin'], store: 'scope' })
  @ApiOperation({ summary: "Enrolled stores the caller reaches, and whether their node is connected" })
  stores(@CurrentCaller() caller: Caller) {
    return this.federation.stores(caller.visibleStores, caller.requestId);
  }
}
