import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../access/access.decorator';
import { CurrentCaller, type Caller } from '../http/caller';
import { CreateErasureBody, ErasureParams } from './schedules.dto';
import { SchedulesService } from './schedules.service';

/**
 * Data-subject erasure, through the store node's scheduler (where the stores' data and the
 * customer hash key are): a store-node (and all-in-one) route only, never the hub's.
 */
@ApiTags('schedules')
@Controller('api')
export class ErasureRequestsController {
  constructor(private readonly schedules: SchedulesService) {}

  @Post('erasure-requests')
  @HttpCode(202)
  @Access({ roles: ['store_manager', 'admin'], store: 'body.storeId', audit: { action: 'erasure.request', by: 'gateway' } })
  @ApiOperation({ summary: "Erase a customer's data (by the store's customer id) or a whole store's, on every service holding it; follow the report on GET /api/erasure-requests/:id" })
  createErasure(@Body() body: CreateErasureBody, @CurrentCaller() caller: Caller) {
    return this.schedules.createErasure(body, caller);
  }

  @Get('erasure-requests/:id')
  @Access({ roles: ['store_manager', 'admin'], store: 'resource' })
  @ApiOperation({ summary: 'An erasure request: status, deadline, and what each service deleted' })
  erasure(@Param() params: ErasureParams, @CurrentCaller() caller: Caller) {
    return this.schedules.erasure(params.id, caller);
  }
}
