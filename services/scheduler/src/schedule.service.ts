import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ROLE_RULES } from './scheduler.tokens';
import { checkScheduleForRole, type SchedulerRoleRules } from './rules/scheduler-role.util';
import { ScheduleRepository, type ScheduleRow, type ScheduleScope } from './repositories/schedule.repository';
import { RunRepository, type RunRow } from './repositories/run.repository';
import { PlannerService } from './planner.service';
import { ScheduleInputError, UUID, validateSchedule, type ScheduleInput } from './rules/schedule-input.util';

export class ScheduleNotFoundError extends Error {}

export interface ScheduleView extends ScheduleRow {
  nextRunAt: Date | null;
  lastRun: RunRow | undefined;
}

/** Schedules as callers manage them; the gateway has already checked that the caller may touch this scope. */
@Injectable()
export class ScheduleService {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly runs: RunRepository,
    @Inject(ROLE_RULES) private readonly role: SchedulerRoleRules,
  ) {}

  async create(input: ScheduleInput & { createdBy: string }): Promise<ScheduleView> {
    const valid = validateSchedule(input);
    checkScheduleForRole(this.role, valid);
    return this.view(await this.schedules.create(randomUUID(), valid, input.createdBy || 'unknown'));
  }

  async list(scope: ScheduleScope): Promise<ScheduleView[]> {
    const rows = await this.schedules.list(scope);
    const last = await this.runs.lastOf(rows.map((row) => row.schedule_id));
    return rows.map((row) => ({ ...row, nextRunAt: PlannerService.nextRunOf(row), lastRun: last.get(row.schedule_id) }));
  }

  async get(scheduleId: string): Promise<ScheduleView> {
    return this.view(await this.found(scheduleId));
  }

  async setPaused(scheduleId: string, paused: boolean): Promise<ScheduleView> {
    await this.found(scheduleId);
    return this.view((await this.schedules.setPaused(scheduleId, paused))!);
  }

  async delete(scheduleId: string): Promise<void> {
    if (!(await this.schedules.delete(idOf(scheduleId)))) throw new ScheduleNotFoundError(`no schedule ${scheduleId}`);
  }

  async jobs(query: { scheduleId: string; failedOnly: boolean; limit: number; scope: ScheduleScope }): Promise<RunRow[]> {
    if (query.scheduleId) idOf(query.scheduleId);
    return this.runs.list({ scheduleId: query.scheduleId || undefined, failedOnly: query.failedOnly, limit: query.limit > 0 ? Math.min(query.limit, 500) : 100, scope: query.scope });
  }

  /** A store's demo schedule (nightly mining at 02:00 UTC), created once. */
  async ensureNightlyMining(storeId: string): Promise<boolean> {
    if (await this.schedules.hasKindForStore('mining', storeId)) return false;
    await this.create({ kind: 'mining', cron: '0 2 * * *', storeId, parametersJson: JSON.stringify({ minUtility: '1%' }), description: 'Nightly mining of the demo store', createdBy: 'system:demo' });
    return true;
  }

  private async found(scheduleId: string): Promise<ScheduleRow> {
    const row = await this.schedules.find(idOf(scheduleId));
    if (!row) throw new ScheduleNotFoundError(`no schedule ${scheduleId}`);
    return row;
  }

  private async view(row: ScheduleRow): Promise<ScheduleView> {
    const last = await this.runs.lastOf([row.schedule_id]);
    return { ...row, nextRunAt: PlannerService.nextRunOf(row), lastRun: last.get(row.schedule_id) };
  }
}

function idOf(scheduleId: string): string {
  if (!UUID.test(scheduleId)) throw new ScheduleInputError('id', `${JSON.stringify(scheduleId)} is not a schedule id`);
  return scheduleId;
}
