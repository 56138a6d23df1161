import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from '@tessera/common';
import { LOGGER, ROLE_RULES } from './scheduler.tokens';
import { roleRuns, type SchedulerRoleRules } from './rules/scheduler-role.util';
import { JobQueue, QUEUES } from './queue/job-queue';
import { ScheduleRepository, type ScheduleRow } from './repositories/schedule.repository';
import { RunRepository } from './repositories/run.repository';
import { SchedulerMetrics } from './scheduler.metrics';
import { nextOccurrence, planDueRun } from './rules/cron-plan.util';
import { runIdOf } from './rules/run-id.util';

/** Where planning of a schedule resumes: after its last planned occurrence, or from when it was created or resumed. */
export function planningStart(schedule: Pick<ScheduleRow, 'last_due_at' | 'planned_since'>): Date {
  return schedule.last_due_at ? new Date(schedule.last_due_at) : new Date(schedule.planned_since);
}

/**
 * Every replica ticks; each due occurrence is claimed by exactly one (a conditional update
 * of the schedule row), which writes the run and queues it in the same transaction.
 */
@Injectable()
export class PlannerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schedules: ScheduleRepository,
    private readonly runs: RunRepository,
    private readonly queue: JobQueue,
    private readonly metrics: SchedulerMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ROLE_RULES) private readonly role: SchedulerRoleRules,
  ) {}

  /** Schedules of a kind (or store) this role does not run, already logged once. */
  private readonly foreign = new Set<string>();

  /** Plans what is due now; returns how many runs this replica queued. */
  async tick(now = new Date()): Promise<number> {
    let queued = 0;
    let mostOverdueSeconds = 0;
    for (const schedule of await this.schedules.active()) {
      // Written before SCHEDULER_ROLE was set (the hub's old mining schedules): left alone, not run.
      if (!roleRuns(this.role, schedule)) {
        if (!this.foreign.has(schedule.schedule_id)) this.logger.warn({ scheduleId: schedule.schedule_id, kind: schedule.kind, storeId: schedule.store_id, role: this.role.role }, 'schedule not run: this role does not run its kind, data class or store');
        this.foreign.add(schedule.schedule_id);
        continue;
      }
      const plan = planDueRun(schedule.cron, planningStart(schedule), now);
      if (!plan) continue;
      mostOverdueSeconds = Math.max(mostOverdueSeconds, (now.getTime() - plan.dueAt.getTime()) / 1000);
      const runId = runIdOf(schedule.schedule_id, plan.dueAt);
      const claimed = await this.dataSource.transaction(async (manager) => {
        if (!(await this.schedules.claimOccurrence(manager, schedule.schedule_id, plan.dueAt, plan.skipped))) return false;
        await this.runs.insert(manager, { runId, scheduleId: schedule.schedule_id, kind: schedule.kind, storeId: schedule.store_id, dueAt: plan.dueAt });
        await this.queue.sendIn(manager, QUEUES.runs, runId, { runId });
        return true;
      });
      if (!claimed) continue;
      queued++;
      if (plan.skipped > 0) {
        this.metrics.skippedRuns.inc({ kind: schedule.kind }, plan.skipped);
        this.logger.warn({ scheduleId: schedule.schedule_id, skipped: plan.skipped, dueAt: plan.dueAt.toISOString() }, 'missed occurrences skipped; the latest runs once');
      }
    }
    this.metrics.nextRunLag.set(mostOverdueSeconds);
    this.metrics.queueDepth.set({ queue: QUEUES.runs }, await this.queue.depth(QUEUES.runs));
    this.metrics.queueDepth.set({ queue: QUEUES.erasures }, await this.queue.depth(QUEUES.erasures));
    return queued;
  }

  static nextRunOf(schedule: ScheduleRow, now = new Date()): Date | null {
    if (schedule.paused) return null;
    const start = planningStart(schedule);
    return nextOccurrence(schedule.cron, start.getTime() > now.getTime() ? start : new Date(Math.max(start.getTime(), now.getTime() - 1)));
  }
}
