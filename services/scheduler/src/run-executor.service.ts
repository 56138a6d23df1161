import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from '@tessera/common';
import { LOGGER, RUN_HANDLER_OVERRIDES } from './scheduler.tokens';
import { JobQueue, QUEUES, type QueuedJob } from './queue/job-queue';
import { RunRepository } from './repositories/run.repository';
import { ScheduleRepository } from './repositories/schedule.repository';
import { SchedulerMetrics } from './scheduler.metrics';
import type { ScheduleKind } from './rules/schedule-input.util';
import type { RunHandler } from './kinds/run-handler';
import { MiningRunHandler } from './kinds/mining.handler';
import { RoundRunHandler } from './kinds/round.handler';
import { InsightsRefreshRunHandler } from './kinds/insights-refresh.handler';
import { RetentionRunHandler } from './kinds/retention.handler';

/**
 * Works the run queue: each job is one run of one schedule. An attempt that throws is
 * recorded and retried by the queue (with backoff); one whose process dies is expired by
 * the queue's maintenance and retried the same way.
 */
@Injectable()
export class RunExecutorService {
  private readonly handlers: Record<string, RunHandler>;

  constructor(
    private readonly queue: JobQueue,
    private readonly runs: RunRepository,
    private readonly schedules: ScheduleRepository,
    private readonly metrics: SchedulerMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(RUN_HANDLER_OVERRIDES) overrides: Partial<Record<ScheduleKind, RunHandler>>,
    insights: InsightsRefreshRunHandler,
    retention: RetentionRunHandler,
    // Absent in a role that does not run the kind (the hub has no mining client, a store node no coordinator).
    @Optional() mining?: MiningRunHandler,
    @Optional() round?: RoundRunHandler,
  ) {
    const own: Record<string, RunHandler | undefined> = { mining, federated_round: round, insights_refresh: insights, retention_sweep: retention };
    this.handlers = Object.fromEntries(Object.entries({ ...own, ...overrides }).filter((entry): entry is [string, RunHandler] => entry[1] !== undefined));
  }

  /** The kinds this scheduler has a handler for. */
  kinds(): string[] {
    return Object.keys(this.handlers).sort();
  }

  async start(): Promise<void> {
    await this.queue.work(QUEUES.runs, (job) => this.execute(job));
  }

  async execute(job: QueuedJob): Promise<void> {
    const run = await this.runs.start(job.id);
    if (!run) return; // schedule deleted, or finished by an earlier attempt
    const schedule = await this.schedules.find(run.schedule_id);
    if (!schedule) return;
    this.metrics.startLag.observe({ kind: run.kind }, Math.max(0, (Date.now() - new Date(run.due_at).getTime()) / 1000));
    const handler = this.handlers[run.kind];
    if (!handler) {
      // A run of a kind this role does not run (planned before the role was set): failed for good, not retried.
      const reason = `${run.kind} is not run by this scheduler (it runs ${this.kinds().join(', ')})`;
      await this.runs.fail(run.run_id, reason, true);
      this.metrics.runFailures.inc({ kind: run.kind, final: 'true' });
      this.logger.warn({ runId: run.run_id, scheduleId: run.schedule_id, kind: run.kind, reason }, 'scheduled run of a foreign kind failed');
      return;
    }
    try {
      const result = await handler.run(run, schedule);
      await this.runs.complete(run.run_id, result);
      this.metrics.runsCompleted.inc({ kind: run.kind });
    } catch (error) {
      const final = job.retryCount >= job.retryLimit;
      const reason = (error as Error).message ?? String(error);
      await this.runs.fail(run.run_id, reason, final);
      this.metrics.runFailures.inc({ kind: run.kind, final: String(final) });
      this.logger.warn({ runId: run.run_id, scheduleId: run.schedule_id, kind: run.kind, attempt: run.attempts, final, reason }, 'scheduled run failed');
      throw error;
    }
  }
}
