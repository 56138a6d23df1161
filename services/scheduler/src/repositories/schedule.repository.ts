import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { tableIn } from '@tessera/db';
import type { ScheduleKind, ValidSchedule } from '../rules/schedule-input.util';

export interface ScheduleRow {
  schedule_id: string;
  kind: ScheduleKind;
  cron: string;
  store_id: string | null;
  parameters: Record<string, unknown>;
  description: string;
  paused: boolean;
  created_by: string;
  created_at: Date;
  planned_since: Date;
  last_due_at: Date | null;
  skipped_runs: string;
}

/** Which schedules a caller may see: those of these stores, and optionally those of no store. */
export interface ScheduleScope {
  storeIds: string[] | 'all';
  includeHubWide: boolean;
}

@Injectable()
export class ScheduleRepository {
  private readonly t: Record<'schedules', string>;

  constructor(private readonly dataSource: DataSource) {
    this.t = { schedules: tableIn(dataSource, 'schedules') };
  }

  async create(scheduleId: string, schedule: ValidSchedule, createdBy: string): Promise<ScheduleRow> {
    const rows: ScheduleRow[] = await this.dataSource.query(
      `INSERT INTO ${this.t.schedules} (schedule_id, kind, cron, store_id, parameters, description, created_by) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) RETURNING *`,
      [scheduleId, schedule.kind, schedule.cron, schedule.storeId, JSON.stringify(schedule.parameters), schedule.description, createdBy],
    );
    return rows[0];
  }

  async find(scheduleId: string): Promise<ScheduleRow | undefined> {
    const rows: ScheduleRow[] = await this.dataSource.query(`SELECT * FROM ${this.t.schedules} WHERE schedule_id = $1`, [scheduleId]);
    return rows[0];
  }

  async list(scope: ScheduleScope): Promise<ScheduleRow[]> {
    if (scope.storeIds === 'all') return this.dataSource.query(`SELECT * FROM ${this.t.schedules} ORDER BY created_at, schedule_id`);
    return this.dataSource.query(`SELECT * FROM ${this.t.schedules} WHERE store_id = ANY($1::text[]) OR ($2 AND store_id IS NULL) ORDER BY created_at, schedule_id`, [scope.storeIds, scope.includeHubWide]);
  }

  async hasKindForStore(kind: ScheduleKind, storeId: string): Promise<boolean> {
    const rows = await this.dataSource.query(`SELECT 1 FROM ${this.t.schedules} WHERE kind = $1 AND store_id = $2 LIMIT 1`, [kind, storeId]);
    return rows.length > 0;
  }

  /** Active schedules, for the planner. */
  async active(): Promise<ScheduleRow[]> {
    return this.dataSource.query(`SELECT * FROM ${this.t.schedules} WHERE NOT paused`);
  }

  /**
   * Pausing stops planning; resuming plans again from now, so occurrences that fell in the
   * pause are not caught up (a pause means "do not run").
   */
  async setPaused(scheduleId: string, paused: boolean): Promise<ScheduleRow | undefined> {
    const rows: ScheduleRow[] = await this.dataSource.query(
      `UPDATE ${this.t.schedules} SET paused = $2, planned_since = CASE WHEN $2 THEN planned_since ELSE now() END, last_due_at = CASE WHEN $2 THEN last_due_at ELSE NULL END WHERE schedule_id = $1 RETURNING *`,
      [scheduleId, paused],
    );
    return (rows as unknown as [ScheduleRow[], number])[0]?.[0];
  }

  async delete(scheduleId: string): Promise<boolean> {
    const result = await this.dataSource.query(`DELETE FROM ${this.t.schedules} WHERE schedule_id = $1 RETURNING schedule_id`, [scheduleId]);
    return (result as [unknown[], number])[1] > 0;
  }

  /**
   * Claims one occurrence inside the caller's transaction. Replicas planning the same
   * occurrence queue on the row lock; after the first commits, the others' condition
   * (last_due_at < due) no longer holds and they claim nothing.
   */
  async claimOccurrence(manager: EntityManager, scheduleId: string, dueAt: Date, skipped: number): Promise<boolean> {
    const result = await manager.query(
      `UPDATE ${this.t.schedules} SET last_due_at = $2, skipped_runs = skipped_runs + $3 WHERE schedule_id = $1 AND NOT paused AND (last_due_at IS NULL OR last_due_at < $2) RETURNING schedule_id`,
      [scheduleId, dueAt, skipped],
    );
    return (result as [unknown[], number])[1] > 0;
  }
}
