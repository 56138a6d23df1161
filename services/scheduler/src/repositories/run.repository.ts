import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { tableIn } from '@tessera/db';
import type { ScheduleScope } from './schedule.repository';

export type RunStatus = 'created' | 'active' | 'completed' | 'failed';

export interface RunRow {
  run_id: string;
  schedule_id: string;
  kind: string;
  store_id: string | null;
  due_at: Date;
  status: RunStatus;
  attempts: number;
  started_at: Date | null;
  finished_at: Date | null;
  failure_reason: string | null;
  result: Record<string, unknown> | null;
}

@Injectable()
export class RunRepository {
  private readonly t: Record<'runs', string>;

  constructor(private readonly dataSource: DataSource) {
    this.t = { runs: tableIn(dataSource, 'runs') };
  }

  async insert(manager: EntityManager, run: { runId: string; scheduleId: string; kind: string; storeId: string | null; dueAt: Date }): Promise<void> {
    await manager.query(`INSERT INTO ${this.t.runs} (run_id, schedule_id, kind, store_id, due_at, status) VALUES ($1, $2, $3, $4, $5, 'created') ON CONFLICT DO NOTHING`, [run.runId, run.scheduleId, run.kind, run.storeId, run.dueAt]);
  }

  /** Starts an attempt; undefined when the run is gone (its schedule was deleted) or already finished. */
  async start(runId: string): Promise<RunRow | undefined> {
    const result = await this.dataSource.query(
      `UPDATE ${this.t.runs} SET status = 'active', attempts = attempts + 1, started_at = now(), failure_reason = NULL WHERE run_id = $1 AND status IN ('created', 'active') RETURNING *`,
      [runId],
    );
    return (result as [RunRow[], number])[0][0];
  }

  async complete(runId: string, result: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.t.runs} SET status = 'completed', finished_at = now(), result = $2::jsonb WHERE run_id = $1`, [runId, JSON.stringify(result)]);
  }

  /** A failed attempt: `final` when no retry is left, otherwise the run waits for its retry. */
  async fail(runId: string, reason: string, final: boolean): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.t.runs} SET status = $3, failure_reason = $2, finished_at = CASE WHEN $3 = 'failed' THEN now() ELSE NULL END WHERE run_id = $1`, [runId, reason, final ? 'failed' : 'created']);
  }

  async list(query: { scheduleId?: string; failedOnly: boolean; limit: number; scope: ScheduleScope }): Promise<RunRow[]> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (query.scheduleId) conditions.push(`schedule_id = $${parameters.push(query.scheduleId)}`);
    if (query.failedOnly) conditions.push(`status = 'failed'`);
    if (query.scope.storeIds !== 'all') conditions.push(`(store_id = ANY($${parameters.push(query.scope.storeIds)}::text[]) OR ($${parameters.push(query.scope.includeHubWide)} AND store_id IS NULL))`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.dataSource.query(`SELECT * FROM ${this.t.runs} ${where} ORDER BY due_at DESC, run_id LIMIT $${parameters.push(query.limit)}`, parameters);
  }

  async lastOf(scheduleIds: string[]): Promise<Map<string, RunRow>> {
    if (!scheduleIds.length) return new Map();
    const rows: RunRow[] = await this.dataSource.query(`SELECT DISTINCT ON (schedule_id) * FROM ${this.t.runs} WHERE schedule_id = ANY($1::uuid[]) ORDER BY schedule_id, due_at DESC`, [scheduleIds]);
    return new Map(rows.map((row) => [row.schedule_id, row]));
  }
}
