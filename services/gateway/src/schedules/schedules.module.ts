import { Module } from '@nestjs/common';
import { grpcClientProvider } from '@tessera/nest-core';
import type { GatewayHubConfig, GatewayStoreNodeConfig } from '../gateway.config';
import { SCHEDULER_CLIENT, createSchedulerClient } from './scheduler.client';
import { SchedulesController } from './schedules.controller';
import { ErasureRequestsController } from './erasure-requests.controller';
import { SchedulesService } from './schedules.service';

/**
 * Schedules and their runs, through the scheduler's gRPC API (SCHEDULER_GRPC_URL: the hub's
 * scheduler on the hub, the node's own on a store node); the guard, audit and Downstream are the gateway core's.
 */
@Module({
  controllers: [SchedulesController],
  providers: [grpcClientProvider(SCHEDULER_CLIENT, (config: GatewayHubConfig | GatewayStoreNodeConfig) => createSchedulerClient(config.SCHEDULER_GRPC_URL)), SchedulesService],
  exports: [SchedulesService],
})
export class SchedulesModule {}

/** Erasure requests, through the store node's scheduler: the store-node (and all-in-one) gateway only. */
@Module({
  imports: [SchedulesModule],
  controllers: [ErasureRequestsController],
})
export class ErasureRequestsModule {}
