import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, type Caller } from '../http/caller';
import { Access } from '../access/access.decorator';
import { StoreQuery } from '../mining/mining.dto';
import { ImpactPreviewBody, LedgerQuery, UpdatePrivacyConfigBody } from './privacy.dto';
import { PrivacyService } from './privacy.service';

/** The store's privacy budget and ledger, kept by its node's privacy service. */
@ApiTags('privacy')
@Controller('api/privacy')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get('budget')
  @Access({ roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'query.storeId' })
  @ApiOperation({ summary: "A store's privacy budget: cap, spent, remaining (epsilon at delta), defaults" })
  budget(@Query() query: StoreQuery, @CurrentCaller() caller: Caller) {
    return this.privacy.budget(query.storeId, caller.requestId);
  }

  @Get('ledger')
  @Access({ roles: ['store_manager', 'admin'], store: 'query.storeId' })
  @ApiOperation({ summary: "The store's append-only ledger: every release, its round, mechanism and rho" })
  ledger(@Query() query: LedgerQuery, @CurrentCaller() caller: Caller) {
    return this.privacy.ledger(query, caller.requestId);
  }

  @Put('config')
  @Access({ roles: ['store_manager'], store: 'body.storeId', audit: { action: 'privacy.config', by: 'gateway' } })
  @ApiOperation({ summary: "Set the store's epsilon cap, round default, mechanism and item pseudonyms" })
  updateConfig(@Body() body: UpdatePrivacyConfigBody, @CurrentCaller() caller: Caller) {
    return this.privacy.updateConfig(body, caller.principal?.id ?? 'unknown', caller.requestId);
  }

  @Post('impact-preview')
  @HttpCode(200)
  @Access({ roles: ['store_manager'], store: 'body.storeId', readOnly: true })
  @ApiOperation({ summary: 'Expected error of each reported utility at a chosen epsilon, before joining a round' })
  preview(@Body() body: ImpactPreviewBody, @CurrentCaller() caller: Caller) {
    return this.privacy.preview(body, caller.requestId);
  }
}
