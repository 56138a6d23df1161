import type { ScheduleRow } from '../repositories/schedule.repository';
import type { RunRow } from '../repositories/run.repository';

/** What one run of a schedule does; it returns what it did (ids, counts) for the job list. */
export interface RunHandler {
  run(run: RunRow, schedule: ScheduleRow): Promise<Record<string, unknown>>;
}
