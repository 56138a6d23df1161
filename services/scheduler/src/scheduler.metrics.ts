import { Gauge, type Counter, type Histogram } from 'prom-client';
import type { ServiceMetrics } from '@tessera/common';

/** The scheduler's Prometheus series: queue depth, failures, and how late runs start and the next one is. */
export class SchedulerMetrics {
  readonly queueDepth: Gauge<'queue'>;
  readonly runFailures: Counter<'kind' | 'final'>;
  readonly runsCompleted: Counter<'kind'>;
  readonly startLag: Histogram<'kind'>;
  readonly nextRunLag: Gauge<never>;
  readonly skippedRuns: Counter<'kind'>;

  constructor(metrics: ServiceMetrics) {
    this.queueDepth = new Gauge({ name: 'tessera_scheduler_queue_depth', help: 'Jobs waiting for a worker (created or waiting for a retry)', labelNames: ['queue'], registers: [metrics.registry] });
    this.runFailures = metrics.counter('scheduler_run_failures_total', 'Failed run attempts; final="true" when no retry is left', ['kind', 'final']);
    this.runsCompleted = metrics.counter('scheduler_runs_completed_total', 'Runs that completed', ['kind']);
    this.startLag = metrics.histogram('scheduler_run_start_lag_seconds', 'Seconds from when a run was due to when an attempt started', ['kind'], [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600]);
    this.nextRunLag = new Gauge({ name: 'tessera_scheduler_next_run_lag_seconds', help: 'Seconds the most overdue active schedule is behind its due occurrence (0 when none is overdue)', registers: [metrics.registry] });
    this.skippedRuns = metrics.counter('scheduler_runs_skipped_total', 'Occurrences missed during downtime and skipped by the catch-up rule', ['kind']);
  }
}
