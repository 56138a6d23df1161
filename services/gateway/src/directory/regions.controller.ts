import { Body, Controller, Get, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
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
  list(@Req() request: Request) {
    return this.directory.regions(request);
  }

  @Post()
  @Access({ roles: ['admin'], store: 'none', audit: { action: 'region.create', by: 'auth' } })
  @ApiOperation({ summary: 'Create a region (a coordinator reaches the stores of their region)' })
  create(@Body() body: CreateRegionBody, @Req() request: Request) {
    return this.directory.createRegion(body.id, body.name, request);
  }
}
