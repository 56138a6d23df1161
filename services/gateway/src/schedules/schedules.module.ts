import { Module, type DynamicModule } from '@nestjs/common';
import type { schedulerV1 } from '@tessera/proto';
import { CircuitBreakers } from '../resilience/circuit-breakers';
import { SCHEDULER_CLIENT } from './scheduler.client';
import { SchedulesController } from './schedules.controller';
import { SchedulesService } from './schedules.service';

/** The schedules feature: its controller, service and scheduler client. The guard and audit interceptor are the gateway's global ones. */
@Module({})
export class SchedulesModule {
  static register(deps: { scheduler: schedulerV1.SchedulerServiceClient; breakers: CircuitBreakers }): DynamicModule {
    return {
      module: SchedulesModule,
      controllers: [SchedulesController],
      providers: [{ provide: SCHEDULER_CLIENT, useValue: deps.scheduler }, { provide: CircuitBreakers, useValue: deps.breakers }, SchedulesService],
    };
  }
}
