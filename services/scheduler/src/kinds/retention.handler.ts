import { Inject, Injectable } from '@nestjs/common';
import type { Bus } from '@tessera/bus';
import { schedulerV1 } from '@tessera/proto';
import { BUS, CONFIG } from '../scheduler.tokens';
import { SchedulerTopics } from '../scheduler.topics';
import { retentionCutoff, type DataClass } from '../rules/schedule-input.util';
import type { SchedulerConfig } from '../scheduler.config';
import type { RunHandler } from './run-handler';
import type { ScheduleRow } from '../repositories/schedule.repository';
import type { RunRow } from '../repositories/run.repository';

export function defaultRetentionDays(config: SchedulerConfig): Record<DataClass, number> {
  return {
    raw_transactions: config.RETENTION_RAW_TRANSACTIONS_DAYS,
    uploaded_files: config.RETENTION_UPLOADED_FILES_DAYS,
    audit: config.RETENTION_AUDIT_DAYS,
    round_artefacts: config.RETENTION_ROUND_ARTEFACTS_DAYS,
  };
}

/** A retention sweep of one data class: the owner of that data deletes what is older than the cutoff and confirms with counts. */
@Injectable()
export class RetentionRunHandler implements RunHandler {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CONFIG) private readonly config: SchedulerConfig,
  ) {}

  async run(run: RunRow, schedule: ScheduleRow): Promise<Record<string, unknown>> {
    const p = schedule.parameters as { dataClass: DataClass; olderThanDays?: number };
    const days = p.olderThanDays ?? defaultRetentionDays(this.config)[p.dataClass];
    const olderThan = retentionCutoff(new Date(), days).toISOString();
    const event: schedulerV1.RetentionSweepRequested = { sweepId: run.run_id, dataClass: p.dataClass, storeId: schedule.store_id ?? '', olderThan };
    await this.bus.publish(SchedulerTopics.retentionSweeps, [{ key: schedule.store_id ?? 'hub', value: Buffer.from(schedulerV1.RetentionSweepRequested.encode(event).finish()) }]);
    return { dataClass: p.dataClass, olderThan, published: SchedulerTopics.retentionSweeps };
  }
}
