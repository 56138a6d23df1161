import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@tessera/common';
import { CONFIG, LOGGER } from './scheduler.tokens';
import type { SchedulerConfig } from './scheduler.config';
import { JobQueue } from './queue/job-queue';
import { PlannerService } from './planner.service';
import { RunExecutorService } from './run-executor.service';
import { ErasureService } from './erasure/erasure.service';
import { ScheduleService } from './schedule.service';

/** Starts the queue, its workers and the planning tick with the app (before the servers), and stops them before the database closes. */
@Injectable()
export class SchedulerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(
    private readonly queue: JobQueue,
    private readonly planner: PlannerService,
    private readonly executor: RunExecutorService,
    private readonly erasures: ErasureService,
    private readonly schedules: ScheduleService,
    @Inject(CONFIG) private readonly config: SchedulerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.start();
    const demoStores = 'DEMO_SCHEDULES' in this.config ? this.config.DEMO_SCHEDULES : '';
    for (const storeId of demoStores.split(',').map((s) => s.trim()).filter(Boolean)) await this.schedules.ensureNightlyMining(storeId);
    await this.executor.start();
    await this.erasures.start();
    this.timer = setInterval(() => this.tick(), this.config.TICK_SECONDS * 1000);
    this.tick();
  }

  private tick(): void {
    if (this.ticking) return;
    this.ticking = (async () => {
      try {
        await this.planner.tick();
        await this.erasures.checkDeadlines();
      } catch (error) {
        this.logger.error({ err: error }, 'planning tick failed; the next tick tries again');
      } finally {
        this.ticking = undefined;
      }
    })();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await this.queue.stop();
  }
}
