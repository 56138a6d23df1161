import { Module } from '@nestjs/common';
import { grpcClientProvider } from '@tessera/nest-core';
import type { GatewayHubConfig } from '../gateway.config';
import { SCHEDULER_CLIENT, createSchedulerClient } from './scheduler.client';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';

/** Schedules, their runs and erasure requests, through the scheduler's gRPC API (the guard, audit and Downstream are the gateway core's). */
@Module({
  controllers: [SchedulesController],
  providers: [grpcClientProvider(SCHEDULER_CLIENT, (config: GatewayHubConfig) => createSchedulerClient(config.SCHEDULER_GRPC_URL)), SchedulesService],
})
export class SchedulesModule {}
