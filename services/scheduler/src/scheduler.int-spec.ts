import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import * as grpc from '@grpc/grpc-js';
import { Pool } from 'pg';
import { testDatabaseUrl, uniqueSchema } from '@tessera/db';
import { schedulerV1 } from '@tessera/proto';

/**
 * Two scheduler replicas as separate processes on one real Postgres: every occurrence of a
 * schedule runs exactly once; a replica killed (SIGKILL) in the middle of a run leaves it
 * to the queue, which retries it once on the other replica, where it completes.
 */
const schema = uniqueSchema('scheduler');
const bossSchema = uniqueSchema('boss');
const executionsSchema = uniqueSchema('executions');
const table = `"${executionsSchema}"."executions"`;
const pool = new Pool({ connectionString: testDatabaseUrl(), max: 3 });
const replicas: { child: ChildProcess; pid: number; grpcPort: number }[] = [];

function startReplica(): Promise<{ child: ChildProcess; pid: number; grpcPort: number }> {
  const child = spawn(process.execPath, [resolve(__dirname, 'testing/scheduler-replica.js')], {
    env: {
      ...process.env,
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_SCHEMA: schema,
      BOSS_SCHEMA: bossSchema,
      BUS_DRIVER: 'memory',
      LOG_LEVEL: 'warn',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      GRPC_PORT: '0',
      TICK_SECONDS: '1',
      POLLING_SECONDS: '1',
      MAINTENANCE_SECONDS: '1',
      RUN_EXPIRE_SECONDS: '4',
      RUN_RETRY_LIMIT: '1',
      RUN_RETRY_DELAY_SECONDS: '1',
      EXECUTIONS_TABLE: table,
      RUN_MILLISECONDS: '1500',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('a replica did not start within 60 s')), 60_000);
    child.once('exit', (code) => fail(new Error(`a replica exited with ${code} before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{"ready"')) return;
      clearTimeout(timer);
      const { pid, grpcPort } = JSON.parse(line);
      ok({ child, pid, grpcPort });
    });
  });
}

function client(port: number) {
  return new schedulerV1.SchedulerServiceClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

function call<Req, Res>(target: schedulerV1.SchedulerServiceClient, method: (r: Req, cb: (e: grpc.ServiceError | null, r: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((ok, fail) => method.call(target, request, (error: grpc.ServiceError | null, response: Res) => (error ? fail(error) : ok(response))));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  await pool.query(`CREATE SCHEMA "${executionsSchema}"`);
  await pool.query(`CREATE TABLE ${table} (execution_id bigserial PRIMARY KEY, run_id uuid NOT NULL, due_at timestamptz NOT NULL, attempt integer NOT NULL, pid integer NOT NULL, started_at timestamptz NOT NULL DEFAULT clock_timestamp(), finished_at timestamptz)`);
  replicas.push(await startReplica(), await startReplica());
});

afterAll(async () => {
  for (const replica of replicas) if (replica.child.exitCode === null && replica.child.signalCode === null) replica.child.kill('SIGTERM');
  await Promise.all(replicas.map((r) => (r.child.exitCode === null && r.child.signalCode === null ? new Promise((ok) => r.child.once('exit', ok)) : undefined)));
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${bossSchema}" CASCADE; DROP SCHEMA IF EXISTS "${executionsSchema}" CASCADE`);
  await pool.end();
});

describe('two scheduler replicas on one Postgres', () => {
  it('run each occurrence exactly once, and retry once on the survivor a run whose replica was killed', async () => {
    const first = client(replicas[0].grpcPort);
    const { schedule } = await call<schedulerV1.CreateScheduleRequest, schedulerV1.CreateScheduleResponse>(first, first.createSchedule, {
      kind: 'insights_refresh',
      cron: '*/3 * * * * *',
      storeId: 'store-replicas',
      parametersJson: '',
      createdBy: 'int-test',
      description: 'every three seconds',
    });
    const scheduleId = schedule!.id;
    await waitFor('three completed runs', async () => Number((await pool.query(`SELECT count(*) FROM "${schema}".runs WHERE schedule_id = $1 AND status = 'completed'`, [scheduleId])).rows[0].count) >= 3, 30_000);

    // Kill whichever replica is in the middle of a run.
    const inFlight = await waitFor('a run in flight', async () => (await pool.query(`SELECT run_id, pid FROM ${table} WHERE finished_at IS NULL LIMIT 1`)).rows[0] as { run_id: string; pid: number } | undefined, 20_000);
    const victim = replicas.find((r) => r.pid === inFlight.pid)!;
    const survivor = replicas.find((r) => r !== victim)!;
    victim.child.kill('SIGKILL');
    await new Promise((ok) => victim.child.once('exit', ok));

    const retried = await waitFor('the killed run to complete elsewhere', async () => (await pool.query(`SELECT pid, attempt FROM ${table} WHERE run_id = $1 AND finished_at IS NOT NULL`, [inFlight.run_id])).rows[0] as { pid: number; attempt: number } | undefined, 30_000);
    assert.equal(retried.pid, survivor.pid, 'the survivor completed the killed run');
    assert.equal(retried.attempt, 2, 'the run was retried once');

    // Stop planning, let what is in flight finish, then count.
    const other = client(survivor.grpcPort);
    await waitFor('two more runs after the kill', async () => Number((await pool.query(`SELECT count(*) FROM "${schema}".runs WHERE schedule_id = $1 AND status = 'completed' AND due_at > (SELECT due_at FROM "${schema}".runs WHERE run_id = $2)`, [scheduleId, inFlight.run_id])).rows[0].count) >= 2, 30_000);
    await call<schedulerV1.PauseScheduleRequest, schedulerV1.PauseScheduleResponse>(other, other.pauseSchedule, { id: scheduleId });
    await waitFor('every run to finish', async () => Number((await pool.query(`SELECT count(*) FROM "${schema}".runs WHERE schedule_id = $1 AND status <> 'completed'`, [scheduleId])).rows[0].count) === 0, 20_000);

    const runs = (await pool.query(`SELECT run_id, due_at, attempts FROM "${schema}".runs WHERE schedule_id = $1 ORDER BY due_at`, [scheduleId])).rows as { run_id: string; due_at: Date; attempts: number }[];
    const finished = (await pool.query(`SELECT run_id, count(*)::int AS n FROM ${table} WHERE finished_at IS NOT NULL GROUP BY run_id`)).rows as { run_id: string; n: number }[];
    const finishedByRun = new Map(finished.map((row) => [row.run_id, row.n]));
    assert.ok(runs.length >= 6, `at least six runs, got ${runs.length}`);
    for (const run of runs) assert.equal(finishedByRun.get(run.run_id), 1, `run due ${run.due_at.toISOString()} finished exactly once`);
    assert.equal(finished.length, runs.length, 'no execution outside a planned run');
    // Every occurrence from the first to the last was planned once: consecutive runs are three seconds apart.
    for (let i = 1; i < runs.length; i++) assert.equal(runs[i].due_at.getTime() - runs[i - 1].due_at.getTime(), 3000, `no occurrence missed or doubled before ${runs[i].due_at.toISOString()}`);
    const killed = runs.find((run) => run.run_id === inFlight.run_id)!;
    assert.equal(killed.attempts, 2);
    const killedExecutions = (await pool.query(`SELECT pid, finished_at FROM ${table} WHERE run_id = $1 ORDER BY execution_id`, [inFlight.run_id])).rows;
    assert.deepEqual(killedExecutions.map((e) => [e.pid, e.finished_at === null]), [[victim.pid, true], [survivor.pid, false]]);
    other.close();
    first.close();
  });
});
