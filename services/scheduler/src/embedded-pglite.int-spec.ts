import assert from 'node:assert/strict';
import { createInProcessBus } from '@tessera/bus';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@tessera/db';
import { startSchedulerService, type SchedulerService } from './main';

/**
 * The embedded default (`npm start`): the scheduler and its pg-boss queue on PGlite behind
 * pglite-socket, as the all-in-one runner starts them. pg-boss needs nothing PGlite lacks
 * (partitioned job table, SKIP LOCKED, advisory transaction locks, gen_random_uuid), so the
 * embedded mode uses the same queue as production (docs/decisions/scheduler-job-queue.md).
 */
const bus = createInProcessBus();
let embedded: EmbeddedPostgres;
let scheduler: SchedulerService;
const executions: { runId: string; attempt: number }[] = [];

beforeAll(async () => {
  embedded = await startEmbeddedPostgres({});
  scheduler = await startSchedulerService(
    { DATABASE_URL: embedded.url, BUS_DRIVER: 'memory', LOG_LEVEL: 'silent', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', TICK_SECONDS: '1', POLLING_SECONDS: '1', RUN_RETRY_DELAY_SECONDS: '1', MAINTENANCE_SECONDS: '1', DEMO_SCHEDULES: 'store-demo' },
    {
      bus,
      handlers: {
        insights_refresh: {
          async run(run) {
            executions.push({ runId: run.run_id, attempt: run.attempts });
            if (run.attempts === 1 && executions.length === 1) throw new Error('the first attempt fails on purpose');
            return { ok: true };
          },
        },
      },
    },
  );
});

afterAll(async () => {
  await scheduler?.close();
  await bus.close();
  await embedded?.stop();
});

describe('the scheduler on embedded PGlite', () => {
  it('plans, queues, retries a failed attempt and completes runs, and creates the demo schedule once', async () => {
    const created = await scheduler.schedules.create({ kind: 'insights_refresh', cron: '*/2 * * * * *', storeId: 'store-demo', parametersJson: '', description: '', createdBy: 'int-test' });
    const deadline = Date.now() + 30_000;
    let jobs = await scheduler.schedules.jobs({ scheduleId: created.schedule_id, failedOnly: false, limit: 50, scope: { storeIds: 'all', includeHubWide: true } });
    while (jobs.filter((j) => j.status === 'completed').length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      jobs = await scheduler.schedules.jobs({ scheduleId: created.schedule_id, failedOnly: false, limit: 50, scope: { storeIds: 'all', includeHubWide: true } });
    }
    const completed = jobs.filter((j) => j.status === 'completed');
    assert.ok(completed.length >= 2, `two completed runs, got ${JSON.stringify(jobs.map((j) => j.status))}`);
    const first = executions[0];
    const retriedRun = jobs.find((j) => j.run_id === first.runId)!;
    assert.equal(retriedRun.status, 'completed');
    assert.equal(retriedRun.attempts, 2, 'the failed first attempt was retried once');
    const all = await scheduler.schedules.list({ storeIds: ['store-demo'], includeHubWide: false });
    assert.deepEqual(all.map((s) => s.kind).sort(), ['insights_refresh', 'mining']);
    assert.equal(all.find((s) => s.kind === 'mining')!.cron, '0 2 * * *');
  });
});
