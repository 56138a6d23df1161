import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Access } from '../access/access.decorator';
import { ALL_ROLES } from '../access/access-policy';
import { CreateStoreBody } from '../directory/directory.dto';
import { DirectoryService } from '../directory/directory.service';
import { StoresService } from './stores.service';

@ApiTags('stores')
@Controller('api/stores')
export class StoresController {
  constructor(
    private readonly stores: StoresService,
    private readonly directory: DirectoryService,
  ) {}

  @Get()
  @Access({ roles: ALL_ROLES, store: 'scope' })
  @ApiOperation({ summary: 'The stores you reach (a manager: theirs; a coordinator: their region’s; an admin: all), with ingested counts' })
  list(@Req() request: Request) {
    return this.stores.list(request);
  }

  @Post()
  @Access({ roles: ['admin'], store: 'none', audit: { action: 'store.create', by: 'auth' } })
  @ApiOperation({ summary: 'Register a store, optionally in a region' })
  create(@Body() body: CreateStoreBody, @Req() request: Request) {
    return this.directory.createStore(body.id, body.name, body.regionId, request);
  }
}
