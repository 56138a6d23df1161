// The mining job runner in a Nest testing module with an in-memory job repository, a fake
// ingestion client (its transaction stream from memory, or failing) and a recording bus. The
// miner itself runs for real in its worker thread on a database small enough to check by hand.
// Covers: a job from queued to completed with the exact itemsets, the stored-pattern cap, the
// itemset cap that raises the threshold (i11), negative lines, the concurrency limit, cancelling,
// and the reasons a failed job gives. The repository's SQL: mining.int-spec.ts.
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { Test } from '@nestjs/testing';
import type { BusRecord } from '@tessera/bus';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { miningV1, type ingestionV1 } from '@tessera/proto';
import { JobRepository, type JobOptions, type JobRow, type JobStatistics, type PatternRecord } from '../repositories/job.repository';
import { INGESTION_CLIENT } from '../mining.tokens';
import { JobRuleError, JobRunner } from './job-runner';

/** JobRepository's contract for the runner, in memory. */
class InMemoryJobs {
  readonly rows = new Map<string, JobRow>();
  readonly patterns = new Map<string, PatternRecord[]>();

  async create(job: { jobId: string; storeId: string; options: JobOptions }): Promise<JobRow> {
    const row: JobRow = { job_id: job.jobId, store_id: job.storeId, status: 'queued', options: job.options, phase: 'queued', progress: 0, failure_reason: null, statistics: null, truncated: false, created_at: new Date(), started_at: null, finished_at: null };
    this.rows.set(job.jobId, row);
    return { ...row };
  }
  async find(storeId: string, jobId: string) {
    const row = this.rows.get(jobId);
    return row && row.store_id === storeId ? { ...row } : undefined;
  }
  async findById(jobId: string) {
    const row = this.rows.get(jobId);
    return row && { ...row };
  }
  async markRunning(jobId: string) {
    const row = this.rows.get(jobId)!;
    if (row.status === 'queued') Object.assign(row, { status: 'running', phase: 'reading', started_at: new Date() });
  }
  async progress(jobId: string, phase: string, progress: number) {
    const row = this.rows.get(jobId)!;
    if (row.status === 'running') Object.assign(row, { phase, progress });
  }
  async complete(jobId: string, patterns: PatternRecord[], statistics: JobStatistics, truncated: boolean) {
    const row = this.rows.get(jobId)!;
    if (row.status !== 'running') return false;
    Object.assign(row, { status: 'completed', phase: 'completed', progress: 1, statistics, truncated, finished_at: new Date() });
    this.patterns.set(jobId, patterns);
    return true;
  }
  async fail(jobId: string, status: 'failed' | 'cancelled', reason: string) {
    const row = this.rows.get(jobId)!;
    if (row.status === 'queued' || row.status === 'running') Object.assign(row, { status, phase: status, failure_reason: reason, finished_at: new Date() });
  }
}

type Basket = Record<string, number>;

/** IngestionService.streamTransactions from memory; a store's stream can be held back or fail. */
class FakeIngestion {
  readonly stores = new Map<string, Basket[]>();
  readonly streamed: string[] = [];
  failWith?: grpc.ServiceError;
  private gate?: Promise<void>;
  private openGate?: () => void;

  hold() {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }
  release() {
    this.openGate?.();
    this.gate = undefined;
  }

  streamTransactions(request: { storeId: string }) {
    this.streamed.push(request.storeId);
    const baskets = this.stores.get(request.storeId) ?? [];
    const gate = this.gate;
    const failure = this.failWith;
    async function* responses(): AsyncGenerator<ingestionV1.StreamTransactionsResponse> {
      await gate;
      if (failure) throw failure;
      yield {
        transactions: baskets.map((basket, i) => ({
          storeId: request.storeId,
          transactionId: `t${i}`,
          lines: Object.entries(basket).map(([sku, utility]) => ({ sku, utilityCents: String(utility) })),
        })),
      } as unknown as ingestionV1.StreamTransactionsResponse;
    }
    return Object.assign(responses(), { cancel: () => undefined });
  }
}

class RecordingBus {
  readonly published: BusRecord[] = [];
  async publish(_topic: string, records: BusRecord[]) {
    this.published.push(...records);
  }
  events(jobId: string) {
    return this.published.map((r) => miningV1.MiningJobProgressed.decode(r.value as Buffer)).filter((e) => e.jobId === jobId);
  }
}

type Settings = ConstructorParameters<typeof JobRunner>[5];

async function setUp(settings: Partial<Settings> = {}) {
  const jobs = new InMemoryJobs();
  const ingestion = new FakeIngestion();
  const bus = new RecordingBus();
  const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined } as unknown as Logger;
  const moduleRef = await Test.createTestingModule({
    providers: [
      { provide: JobRepository, useValue: {} },
      { provide: INGESTION_CLIENT, useValue: {} },
      {
        provide: JobRunner,
        inject: [JobRepository, INGESTION_CLIENT],
        useFactory: (repository: JobRepository, client: ingestionV1.IngestionServiceClient) => new JobRunner(repository, client, bus as never, logger, new ServiceMetrics('mining-unit'), { threads: 1, maxConcurrent: 2, maxPatterns: 1000, topic: 'mining.jobs.v1', ...settings }),
      },
    ],
  })
    .overrideProvider(JobRepository)
    .useValue(jobs)
    .overrideProvider(INGESTION_CLIENT)
    .useValue(ingestion)
    .compile();
  const runner = moduleRef.get(JobRunner);
  /** The job row once it is completed, failed or cancelled. */
  const settled = async (jobId: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = jobs.rows.get(jobId)!;
      if (row.status !== 'queued' && row.status !== 'running') return row;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${row.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { runner, jobs, ingestion, bus, settled, moduleRef };
}

/** Utilities in cents. By hand: a 10, b 6, c 2, ab 8, ac 6, bc 4 (no basket holds all three). */
const BASKETS: Basket[] = [{ a: 5, b: 3 }, { a: 5, c: 1 }, { b: 3, c: 1 }];
const byUtility = (patterns: PatternRecord[]) => patterns.map((p) => [p.items.join(''), p.utilityCents]);

describe('JobRunner', () => {
  test('a top-k job goes queued, running, completed and stores the exact best itemsets with its statistics', async () => {
    const { runner, jobs, ingestion, bus, settled, moduleRef } = await setUp();
    ingestion.stores.set('s1', BASKETS);
    const job = await runner.start('s1', { topK: 2 });
    assert.equal(job.status, 'queued');
    const done = await settled(job.job_id);
    assert.equal(done.status, 'completed', done.failure_reason ?? '');
    assert.deepEqual(byUtility(jobs.patterns.get(job.job_id)!), [
      ['a', 10],
      ['ab', 8],
    ]);
    assert.equal(done.statistics!.transactions, 3);
    assert.equal(done.statistics!.minUtilityKind, 'top-k');
    assert.equal(done.truncated, false);
    const events = bus.events(job.job_id);
    assert.deepEqual(events.map((e) => `${e.status}/${e.phase}`), ['queued/queued', 'running/reading', 'running/mining', 'completed/completed']);
    assert.equal(events[3].itemsets, '2');
    assert.deepEqual(ingestion.streamed, ['s1'], "the runner reads only the job's store");
    await moduleRef.close();
  });

  test('a minimum utility finds every itemset at or above it; more than maxPatterns are cut and the job says it is truncated', async () => {
    const { runner, jobs, ingestion, settled } = await setUp({ maxPatterns: 2 });
    ingestion.stores.set('s1', BASKETS);
    const job = await runner.start('s1', { minUtility: '5' });
    const done = await settled(job.job_id);
    assert.equal(done.status, 'completed', done.failure_reason ?? '');
    assert.equal(done.statistics!.itemsets, 4, 'a, ab, b, ac reach 5 cents');
    assert.deepEqual(byUtility(jobs.patterns.get(job.job_id)!), [
      ['a', 10],
      ['ab', 8],
    ]);
    assert.equal(done.truncated, true);
    assert.equal(done.statistics!.minUtilityKind, 'amount');
  });

  test('the itemset cap (MINING_MAX_ITEMSETS) raises the threshold and keeps the best itemsets, and the statistics say so', async () => {
    const { runner, jobs, ingestion, settled } = await setUp({ maxItemsets: 2 });
    ingestion.stores.set('s1', BASKETS);
    const job = await runner.start('s1', { minUtility: '1' });
    const done = await settled(job.job_id);
    assert.equal(done.status, 'completed', done.failure_reason ?? '');
    assert.equal(done.statistics!.thresholdRaised, true);
    assert.equal(done.statistics!.maxItemsets, 2);
    assert.ok(done.statistics!.minUtilityCents > 1);
    assert.deepEqual(byUtility(jobs.patterns.get(job.job_id)!).slice(0, 2), [
      ['a', 10],
      ['ab', 8],
    ]);
  });

  test('lines sold at a loss are left out and counted', async () => {
    const { runner, jobs, ingestion, settled } = await setUp();
    ingestion.stores.set('s1', [{ a: 5, z: -2 }, { a: 5 }]);
    const job = await runner.start('s1', { topK: 5 });
    const done = await settled(job.job_id);
    assert.equal(done.statistics!.negativeLinesSkipped, 1);
    assert.deepEqual(byUtility(jobs.patterns.get(job.job_id)!), [['a', 10]]);
  });

  test('bad options are refused before a job exists', async () => {
    const { runner, jobs } = await setUp();
    for (const options of [{}, { minUtility: '5', topK: 3 }, { minUtility: 'lots' }, { topK: 0.5 }, { minUtility: '101%' }, { topK: 3, maxPatternLength: 500 }] as JobOptions[]) {
      await assert.rejects(runner.start('s1', options), JobRuleError, JSON.stringify(options));
    }
    assert.equal(jobs.rows.size, 0);
  });

  test('ingestion unavailable: the job fails with a reason the manager can read, announced on mining.jobs.v1', async () => {
    const { runner, ingestion, bus, settled } = await setUp();
    ingestion.failWith = Object.assign(new Error('14 UNAVAILABLE: connect ECONNREFUSED'), { code: grpc.status.UNAVAILABLE, details: '', metadata: new grpc.Metadata() });
    const job = await runner.start('s1', { topK: 3 });
    const done = await settled(job.job_id);
    assert.equal(done.status, 'failed');
    assert.equal(done.failure_reason, "the ingestion service is unavailable, so the store's transactions could not be read");
    const last = bus.events(job.job_id).at(-1)!;
    assert.deepEqual([last.status, last.failureReason], ['failed', done.failure_reason]);
  });

  test('at most maxConcurrent jobs run; the next waits queued; a queued job cancelled never runs', async () => {
    const { runner, jobs, ingestion, settled } = await setUp({ maxConcurrent: 1 });
    ingestion.stores.set('s1', BASKETS);
    ingestion.hold();
    const first = await runner.start('s1', { topK: 1 });
    const second = await runner.start('s1', { topK: 2 });
    const third = await runner.start('s1', { topK: 3 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual([first, second, third].map((j) => jobs.rows.get(j.job_id)!.status), ['running', 'queued', 'queued']);
    const cancelled = await runner.cancel('s1', second.job_id);
    assert.equal(cancelled!.status, 'cancelled');
    assert.equal(cancelled!.failure_reason, 'cancelled on request');
    ingestion.release();
    assert.equal((await settled(first.job_id)).status, 'completed');
    assert.equal((await settled(third.job_id)).status, 'completed');
    assert.equal(jobs.rows.get(second.job_id)!.status, 'cancelled');
    assert.equal(ingestion.streamed.length, 2, 'the cancelled job never read the store');
    assert.equal(await runner.cancel('s2', first.job_id), undefined, "another store's job is not found");
  });

  test('a running job cancelled stays cancelled: its late result is not stored', async () => {
    const { runner, jobs, ingestion, settled } = await setUp();
    ingestion.stores.set('s1', BASKETS);
    ingestion.hold();
    const job = await runner.start('s1', { topK: 3 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(jobs.rows.get(job.job_id)!.status, 'running');
    await runner.cancel('s1', job.job_id);
    ingestion.release();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const row = await settled(job.job_id);
    assert.equal(row.status, 'cancelled');
    assert.equal(jobs.patterns.has(job.job_id), false);
  });
});
