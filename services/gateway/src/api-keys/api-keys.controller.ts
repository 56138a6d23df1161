import { Body, Controller, Delete, Get, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Access } from '../access/access.decorator';
import { ApiKeyParams, CreateApiKeyBody, ListApiKeysQuery } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api-keys')
@Controller('api/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @Access({ roles: ['store_manager', 'admin'], store: 'body.storeId', audit: { action: 'api_key.create', by: 'auth' } })
  @ApiOperation({ summary: 'Create an API key for a store system (ingestion only, one store); the key is returned once and stored hashed' })
  create(@Body() body: CreateApiKeyBody, @Req() request: Request) {
    return this.apiKeys.create(body.storeId, body.name, request);
  }

  @Get()
  @Access({ roles: ['store_manager', 'admin'], store: 'query.storeId' })
  @ApiOperation({ summary: "A store's API keys (prefixes only, never the keys)" })
  list(@Query() query: ListApiKeysQuery, @Req() request: Request) {
    return this.apiKeys.list(query.storeId, request);
  }

  @Delete(':apiKeyId')
  @Access({ roles: ['store_manager', 'admin'], store: 'resource', audit: { action: 'api_key.revoke', by: 'auth' } })
  @ApiOperation({ summary: "Revoke an API key (a manager: their store's keys only)" })
  revoke(@Param() params: ApiKeyParams, @Req() request: Request) {
    return this.apiKeys.revoke(params.apiKeyId, request);
  }
}
