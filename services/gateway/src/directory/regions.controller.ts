import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentCaller, type Caller } from '../http/caller';
import { Access } from '../access/access.decorator';
import { CreateRegionBody } from './directory.dto';
import { DirectoryService } from './directory.service';

@ApiTags('regions')
@Controller('api/regions')
export class RegionsController {
  constructor(private readonly directory: DirectoryService) {}

  @Get()
  @Access({ roles: ['admin'], store: 'none' })
  @ApiOperation({ summary: 'Regions and the stores each holds' })
  list(@CurrentCaller() caller: Caller) {
    return this.directory.regions(caller);
  }

  @Post()
  @Access({ roles: ['admin'], store: 'none', audit: { action: 'region.create', by: 'auth' } })
  @ApiOperation({ summary: 'Create a region (a coordinator reaches the stores of their region)' })
  create(@Body() body: CreateRegionBody, @CurrentCaller() caller: Caller) {
    return this.directory.createRegion(body.id, body.name, caller);
  }
}
