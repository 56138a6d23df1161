import { Module } from '@nestjs/common';

/**
 * The scheduler service's own providers and controllers. The core (config, logger, metrics,
 * database, bus, health) is global and comes from CoreModule.forService in main.ts.
 */
@Module({
  controllers: [],
  providers: [],
})
export class SchedulerModule {}
