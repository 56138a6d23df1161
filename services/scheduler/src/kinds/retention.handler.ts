import { Inject, Injectable } from '@nestjs/common';
import type { Bus } from '@tessera/bus';
import { schedulerV1 } from '@tessera/proto';
import { BUS, CONFIG } from '../scheduler.tokens';
import { SchedulerTopics } from '../scheduler.topics';
import { retentionCutoff, type DataClass } from '../rules/schedule-input.util';
import type { SchedulerAllConfig, SchedulerConfig } from '../scheduler.config';
import type { RunHandler } from './run-handler';
import type { ScheduleRow } from '../repositories/schedule.repository';
import type { RunRow } from '../repositories/run.repository';

/** The default ages of the data classes this role sweeps (a role reads only its own classes' variables). */
export function defaultRetentionDays(config: SchedulerConfig): Partial<Record<DataClass, number>> {
  const c = config as Partial<SchedulerAllConfig>;
  return {
    raw_transactions: c.RETENTION_RAW_TRANSACTIONS_DAYS,
    uploaded_files: c.RETENTION_UPLOADED_FILES_DAYS,
    audit: c.RETENTION_AUDIT_DAYS,
    round_artefacts: c.RETENTION_ROUND_ARTEFACTS_DAYS,
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
    if (days === undefined) throw new Error(`a retention sweep of ${p.dataClass} is not run by the ${this.config.SCHEDULER_ROLE} scheduler`);
    const olderThan = retentionCutoff(new Date(), days).toISOString();
    const event: schedulerV1.RetentionSweepRequested = { sweepId: run.run_id, dataClass: p.dataClass, storeId: schedule.store_id ?? '', olderThan };
    await this.bus.publish(SchedulerTopics.retentionSweeps, [{ key: schedule.store_id ?? 'hub', value: Buffer.from(schedulerV1.RetentionSweepRequested.encode(event).finish()) }]);
    return { dataClass: p.dataClass, olderThan, published: SchedulerTopics.retentionSweeps };
  }
}
