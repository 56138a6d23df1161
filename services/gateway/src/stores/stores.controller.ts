import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, type Caller } from '../http/caller';
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
  list(@CurrentCaller() caller: Caller) {
    return this.stores.list(caller);
  }

  @Post()
  @Access({ roles: ['admin'], store: 'none', audit: { action: 'store.create', by: 'auth' } })
  @ApiOperation({ summary: 'Register a store, optionally in a region' })
  create(@Body() body: CreateStoreBody, @CurrentCaller() caller: Caller) {
    return this.directory.createStore(body.id, body.name, body.regionId, caller);
  }
}
