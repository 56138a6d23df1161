import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import type { Logger } from '@tessera/common';

/** The queues the scheduler uses: one for scheduled runs, one for publishing erasure requests. */
export const QUEUES = { runs: 'scheduled-runs', erasures: 'erasure-requests' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface QueueOptions {
  connectionString: string;
  schema: string;
  expireSeconds: number;
  retryLimit: number;
  retryDelaySeconds: number;
  maintenanceSeconds: number;
  pollingSeconds: number;
  poolSize?: number;
}

export interface QueuedJob {
  id: string;
  data: Record<string, unknown>;
  retryCount: number;
  retryLimit: number;
}

/**
 * pg-boss (10.x, the newest line that runs on Node 20) in a schema of its own: claims with
 * SELECT … FOR UPDATE SKIP LOCKED (one replica gets each job), retries with backoff, and
 * expiry of jobs whose worker died (maintenance moves them back to retry). Jobs are sent
 * with ids the scheduler derives, inside the scheduler's own transaction, so a run is
 * queued exactly when its row is written.
 */
export class JobQueue {
  private readonly boss: PgBoss;

  constructor(
    private readonly options: QueueOptions,
    private readonly logger: Logger,
  ) {
    this.boss = new PgBoss({
      connectionString: options.connectionString,
      schema: options.schema,
      max: options.poolSize ?? 4,
      application_name: 'tessera-scheduler-queue',
      maintenanceIntervalSeconds: options.maintenanceSeconds,
      superviseIntervalSeconds: options.maintenanceSeconds,
      // Cron is the scheduler's own (seconds resolution, the stated catch-up rule); pg-boss's is off.
      schedule: false,
    } as PgBoss.ConstructorOptions);
    this.boss.on('error', (error) => this.logger.error({ err: error }, 'job queue error'));
  }

  async start(): Promise<void> {
    await this.boss.start();
    for (const name of Object.values(QUEUES)) {
      await this.boss.createQueue(name, {
        name,
        retryLimit: this.options.retryLimit,
        retryDelay: this.options.retryDelaySeconds,
        retryBackoff: this.options.retryDelaySeconds > 0,
        expireInSeconds: this.options.expireSeconds,
      } as PgBoss.Queue);
    }
  }

  /** Queues a job in the caller's transaction; a second send with the same id is a no-op. */
  async sendIn(manager: EntityManager | undefined, name: QueueName, id: string, data: Record<string, unknown>): Promise<void> {
    const db = manager ? { executeSql: async (text: string, values: unknown[]) => ({ rows: await manager.query(text, values) }) } : undefined;
    await this.boss.send(name, data, { id, ...(db ? { db } : {}) } as PgBoss.SendOptions);
  }

  async work(name: QueueName, handler: (job: QueuedJob) => Promise<void>): Promise<void> {
    await this.boss.work(name, { pollingIntervalSeconds: this.options.pollingSeconds, batchSize: 1, includeMetadata: true }, async (jobs: PgBoss.JobWithMetadata<object>[]) => {
      for (const job of jobs) await handler({ id: job.id, data: job.data as Record<string, unknown>, retryCount: job.retryCount, retryLimit: job.retryLimit });
    });
  }

  /** Jobs waiting for a worker (created or waiting for a retry). */
  async depth(name: QueueName): Promise<number> {
    return this.boss.getQueueSize(name);
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  }
}
