import * as grpc from '@grpc/grpc-js';
import { schedulerV1 } from '@tessera/proto';

export const SCHEDULER_CLIENT = Symbol('SCHEDULER_CLIENT');

export function createSchedulerClient(address: string): schedulerV1.SchedulerServiceClient {
  return new schedulerV1.SchedulerServiceClient(address, grpc.credentials.createInsecure());
}
