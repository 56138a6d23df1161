/**
 * One scheduler replica as its own process, for the replica tests (scheduler.int-spec.ts):
 * the insights-refresh kind is replaced by a run that records each attempt in
 * EXECUTIONS_TABLE (start, then finish after RUN_MILLISECONDS), so the test can count
 * executions and kill a replica in the middle of one.
 */
import { Pool } from 'pg';
import { createInProcessBus } from '@tessera/bus';
import { startSchedulerService } from '../main';

async function main() {
  const table = process.env.EXECUTIONS_TABLE!;
  const runMilliseconds = Number(process.env.RUN_MILLISECONDS ?? '0');
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const bus = createInProcessBus();
  const service = await startSchedulerService(process.env, {
    bus,
    handlers: {
      insights_refresh: {
        async run(run) {
          const { rows } = await pool.query(`INSERT INTO ${table} (run_id, due_at, attempt, pid) VALUES ($1, $2, $3, $4) RETURNING execution_id`, [run.run_id, run.due_at, run.attempts, process.pid]);
          await new Promise((resolve) => setTimeout(resolve, runMilliseconds));
          await pool.query(`UPDATE ${table} SET finished_at = clock_timestamp() WHERE execution_id = $1`, [rows[0].execution_id]);
          return { executionId: rows[0].execution_id };
        },
      },
    },
  });
  process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, grpcPort: service.grpcPort })}\n`);
  const stop = async () => {
    await service.close();
    await bus.close();
    await pool.end();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
