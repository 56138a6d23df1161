import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, type Caller } from '../http/caller';
import { Access } from '../access/access.decorator';
import { ApiKeyParams, CreateApiKeyBody, ListApiKeysQuery } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api-keys')
@Controller('api/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Access({ roles: ['store_manager', 'admin'], store: 'body.storeId', audit: { action: 'api_key.create', by: 'gateway' } })
  @ApiOperation({ summary: 'Create an API key for a store system (ingestion only, one store); the key is returned once and stored hashed' })
  create(@Body() body: CreateApiKeyBody, @CurrentCaller() caller: Caller) {
    return this.apiKeys.create(body.storeId, body.name, caller);
  }

  @Get()
  @Access({ roles: ['store_manager', 'admin'], store: 'query.storeId' })
  @ApiOperation({ summary: "A store's API keys (prefixes only, never the keys)" })
  list(@Query() query: ListApiKeysQuery, @CurrentCaller() caller: Caller) {
    return this.apiKeys.list(query.storeId, caller);
  }

  @Delete(':apiKeyId')
  @Access({ roles: ['store_manager', 'admin'], store: 'resource', audit: { action: 'api_key.revoke', by: 'gateway' } })
  @ApiOperation({ summary: "Revoke an API key (a manager: their store's keys only)" })
  revoke(@Param() params: ApiKeyParams, @CurrentCaller() caller: Caller) {
    return this.apiKeys.revoke(params.apiKeyId, caller);
  }
}
