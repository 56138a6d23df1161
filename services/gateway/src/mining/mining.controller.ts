import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentCaller, type Caller } from '../http/caller';
import { Access } from '../access/access.decorator';
import { JobParams, MiningResultsQuery, StartMiningBody, StoreQuery } from './mining.dto';
import { MiningService } from './mining.service';

/** A store's own high-utility itemsets, mined on its node: for its manager. */
@ApiTags('mining')
@Controller('api/mining')
export class MiningController {
  constructor(private readonly mining: MiningService) {}

  @Post('start')
  @HttpCode(202)
  @Access({ roles: ['store_manager'], store: 'body.storeId', audit: { action: 'mining.start', by: 'gateway' } })
  @ApiOperation({ summary: "Start mining the store's own high-utility itemsets; poll the job or fetch its results" })
  start(@Body() body: StartMiningBody, @CurrentCaller() caller: Caller) {
    return this.mining.start(body, caller.requestId);
  }

  @Get('jobs/:jobId')
  @Access({ roles: ['store_manager'], store: 'query.storeId' })
  @ApiOperation({ summary: 'A mining job: status, progress and statistics' })
  job(@Param() params: JobParams, @Query() query: StoreQuery, @CurrentCaller() caller: Caller) {
    return this.mining.job(query.storeId, params.jobId, caller.requestId);
  }

  @Post('jobs/:jobId/cancel')
  @HttpCode(200)
  @Access({ roles: ['store_manager'], store: 'query.storeId', audit: { action: 'mining.cancel', by: 'gateway' } })
  @ApiOperation({ summary: 'Cancel a queued or running mining job' })
  cancel(@Param() params: JobParams, @Query() query: StoreQuery, @CurrentCaller() caller: Caller) {
    return this.mining.cancel(query.storeId, params.jobId, caller.requestId);
  }

  @Get('results/:jobId')
  @Access({ roles: ['store_manager'], store: 'query.storeId' })
  @ApiOperation({ summary: "A job's patterns and statistics, sorted and filtered; format=csv downloads them" })
  @ApiProduces('application/json', 'text/csv')
  async results(@Param() params: JobParams, @Query() query: MiningResultsQuery, @CurrentCaller() caller: Caller, @Res({ passthrough: true }) response: Response) {
    const results = await this.mining.results(params.jobId, query, caller.requestId);
    if (query.format !== 'csv') return results;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="patterns-${params.jobId}.csv"`);
    return MiningService.toCsv(results.patterns);
  }
}
