import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../access/access.decorator';
import { CurrentCaller, type Caller } from '../http/caller';
import { CreateScheduleBody, JobsQuery, ScheduleParams } from './schedules.dto';
import { SchedulesService } from './schedules.service';

const EVERYONE = ['store_manager', 'regional_coordinator', 'admin'] as const;

/**
 * Recurring work and its runs, on both fronts: on the hub the hub's scheduler (rounds,
 * consortium insights, retention of the hub's data), on a store node the node's (its stores'
 * mining, insights, retention of raw transactions and files).
 */
@ApiTags('schedules')
@Controller('api')
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get('schedules')
  @Access({ roles: [...EVERYONE], store: 'scope' })
  @ApiOperation({ summary: "Schedules the caller may see (a manager: the store's; a coordinator: the region's and hub-wide; an admin: all), with their next run" })
  list(@CurrentCaller() caller: Caller) {
    return this.schedules.list(caller);
  }

  @Post('schedules')
  @HttpCode(201)
  @Access({ roles: [...EVERYONE], store: 'resource', audit: { action: 'schedule.create', by: 'gateway' } })
  @ApiOperation({ summary: "Create a schedule: managers their store's mining; coordinators and admins rounds, insights refreshes and retention sweeps" })
  create(@Body() body: CreateScheduleBody, @CurrentCaller() caller: Caller) {
    return this.schedules.create(body, caller);
  }

  @Post('schedules/:id/pause')
  @HttpCode(200)
  @Access({ roles: [...EVERYONE], store: 'resource', audit: { action: 'schedule.pause', by: 'gateway' } })
  @ApiOperation({ summary: 'Pause a schedule: no runs until it is resumed' })
  pause(@Param() params: ScheduleParams, @CurrentCaller() caller: Caller) {
    return this.schedules.change(params.id, 'pause', caller);
  }

  @Post('schedules/:id/resume')
  @HttpCode(200)
  @Access({ roles: [...EVERYONE], store: 'resource', audit: { action: 'schedule.resume', by: 'gateway' } })
  @ApiOperation({ summary: 'Resume a schedule; occurrences missed while paused are not caught up' })
  resume(@Param() params: ScheduleParams, @CurrentCaller() caller: Caller) {
    return this.schedules.change(params.id, 'resume', caller);
  }

  @Delete('schedules/:id')
  @Access({ roles: [...EVERYONE], store: 'resource', audit: { action: 'schedule.delete', by: 'gateway' } })
  @ApiOperation({ summary: 'Delete a schedule and its run history' })
  remove(@Param() params: ScheduleParams, @CurrentCaller() caller: Caller) {
    return this.schedules.change(params.id, 'delete', caller);
  }

  @Get('jobs')
  @Access({ roles: [...EVERYONE], store: 'scope' })
  @ApiOperation({ summary: 'Runs of schedules, newest first, with failures (admins: every run; others: their scope)' })
  jobs(@Query() query: JobsQuery, @CurrentCaller() caller: Caller) {
    return this.schedules.jobs(query, caller);
  }
}
