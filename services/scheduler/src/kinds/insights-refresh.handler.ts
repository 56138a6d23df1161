import { Inject, Injectable } from '@nestjs/common';
import type { Bus } from '@tessera/bus';
import { schedulerV1 } from '@tessera/proto';
import { BUS } from '../scheduler.tokens';
import { SchedulerTopics } from '../scheduler.topics';
import type { RunHandler } from './run-handler';
import type { ScheduleRow } from '../repositories/schedule.repository';
import type { RunRow } from '../repositories/run.repository';

/** Asks the insights service to recompute a store's (or the hub's) insights: an event, so the scheduler does not wait on it. */
@Injectable()
export class InsightsRefreshRunHandler implements RunHandler {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  async run(run: RunRow, schedule: ScheduleRow): Promise<Record<string, unknown>> {
    const event: schedulerV1.InsightsRefreshRequested = { storeId: schedule.store_id ?? '', scheduleId: schedule.schedule_id, requestedAt: new Date().toISOString() };
    await this.bus.publish(SchedulerTopics.insightsRefresh, [{ key: schedule.store_id ?? 'hub', value: Buffer.from(schedulerV1.InsightsRefreshRequested.encode(event).finish()) }]);
    return { published: SchedulerTopics.insightsRefresh, runId: run.run_id };
  }
}
