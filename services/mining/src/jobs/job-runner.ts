import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Bus } from '@tessera/bus';
import type { Logger, ServiceMetrics } from '@tessera/common';
import type { MineOptions } from '@tessera/huim';
import { miningV1, type ingestionV1 } from '@tessera/proto';
import { JobRepository, type JobOptions, type JobRow, type JobStatistics, type PatternRecord } from '../repositories/job.repository';
import { loadStoreDatabase, serialiseDatabase } from './store-database';

export class JobRuleError extends Error {}

interface WorkerResult {
  ok: boolean;
  error?: string;
  itemsets?: { items: string[]; utility: number; support: number; supportRatio: number; confidence: number }[];
  stats?: { transactions: number; items: number; minUtility: number; requestedMinUtility: number; thresholdRaised: boolean; maxItemsets: number; candidates: number; merging: boolean; threads: number; ms: number };
  peakRssMb?: number;
}

/** Checks options a manager sent before a job is queued; the error says what to change. */
export function validateJobOptions(options: JobOptions): MineOptions {
  const hasThreshold = options.minUtility !== undefined && options.minUtility !== '';
  if (hasThreshold === Boolean(options.topK)) throw new JobRuleError('give either minUtility (cents, or a percentage such as "0.5%") or topK, not both');
  if (hasThreshold && !/^\d+$/.test(options.minUtility!) && !/^\d+(\.\d+)?%$/.test(options.minUtility!)) throw new JobRuleError(`minUtility must be a whole number of cents or a percentage like "0.5%", got ${JSON.stringify(options.minUtility)}`);
  if (options.topK !== undefined && options.topK !== 0 && !(Number.isInteger(options.topK) && options.topK > 0 && options.topK <= 100000)) throw new JobRuleError('topK must be an integer from 1 to 100000');
  if (options.minSupport !== undefined && !(options.minSupport >= 0 && options.minSupport <= 1)) throw new JobRuleError('minSupport must be a fraction from 0 to 1');
  if (options.maxPatternLength !== undefined && options.maxPatternLength !== 0 && !(Number.isInteger(options.maxPatternLength) && options.maxPatternLength >= 1 && options.maxPatternLength <= 100)) throw new JobRuleError('maxPatternLength must be from 1 to 100');
  if (hasThreshold && !options.minUtility!.endsWith('%') && !Number.isSafeInteger(Number(options.minUtility))) throw new JobRuleError(`minUtility ${options.minUtility} cents is out of range (at most ${Number.MAX_SAFE_INTEGER})`);
  if (hasThreshold && options.minUtility!.endsWith('%') && !(Number(options.minUtility!.slice(0, -1)) <= 100)) throw new JobRuleError(`minUtility ${options.minUtility} is over 100%`);
  return {
    ...(hasThreshold ? { minUtility: options.minUtility!.endsWith('%') ? options.minUtility! : Number(options.minUtility) } : { topK: options.topK }),
    minSupport: options.minSupport || undefined,
    maxLength: options.maxPatternLength || undefined,
    merging: options.merging === 'on' ? true : options.merging === 'off' ? false : 'auto',
  };
}

/**
 * Queues and runs mining jobs: transactions are read from ingestion, mined in a worker
 * thread (the service keeps answering), and the patterns stored with the job's statistics
 * in one transaction. Progress goes to mining.jobs.v1.
 */
export class JobRunner {
  private readonly queue: string[] = [];
  private readonly running = new Map<string, { abort: AbortController; worker?: Worker }>();
  private readonly jobsFinished;
  private readonly jobSeconds;

  constructor(
    private readonly jobs: JobRepository,
    private readonly ingestion: ingestionV1.IngestionServiceClient,
    private readonly bus: Bus | undefined,
    private readonly logger: Logger,
    metrics: ServiceMetrics,
    private readonly settings: { threads: number; maxConcurrent: number; maxPatterns: number; topic: string; maxItemsets?: number; maxItemsetItems?: number; memoryBudgetMb?: number; workerMaxOldGenerationMb?: number; threadNiceness?: number },
  ) {
    this.jobsFinished = metrics.counter('mining_jobs_total', 'Mining jobs finished, by outcome', ['outcome'] as const);
    this.jobSeconds = metrics.histogram('mining_job_duration_seconds', 'Wall time of completed mining jobs', [] as const, [0.1, 0.5, 1, 5, 15, 60, 300, 1800]);
  }

  async start(storeId: string, options: JobOptions): Promise<JobRow> {
    validateJobOptions(options);
    const job = await this.jobs.create({ jobId: randomUUID(), storeId, options });
    this.queue.push(job.job_id);
    await this.announce(job.store_id, job.job_id, 'queued', 'queued', 0);
    this.pump();
    return job;
  }

  async cancel(storeId: string, jobId: string): Promise<JobRow | undefined> {
    const job = await this.jobs.find(storeId, jobId);
    if (!job) return undefined;
    if (job.status === 'queued' || job.status === 'running') {
      await this.jobs.fail(jobId, 'cancelled', 'cancelled on request');
      const index = this.queue.indexOf(jobId);
      if (index >= 0) this.queue.splice(index, 1);
      const active = this.running.get(jobId);
      active?.abort.abort();
      await active?.worker?.terminate();
      await this.announce(storeId, jobId, 'cancelled', 'cancelled', 0);
      this.jobsFinished.inc({ outcome: 'cancelled' });
    }
    return this.jobs.find(storeId, jobId);
  }

  async stop(): Promise<void> {
    for (const active of this.running.values()) {
      active.abort.abort();
      await active.worker?.terminate();
    }
  }

  private pump() {
    while (this.running.size < this.settings.maxConcurrent && this.queue.length > 0) {
      const jobId = this.queue.shift()!;
      const abort = new AbortController();
      this.running.set(jobId, { abort });
      // run() records a failing job itself; what escapes it (the job row could not be read)
      // is logged here so that it is never an unhandled rejection.
      this.run(jobId, abort)
        .catch((error: unknown) => this.logger.error({ jobId, err: error }, 'mining job could not run'))
        .finally(() => {
          this.running.delete(jobId);
          this.pump();
        });
    }
  }

  private async run(jobId: string, abort: AbortController): Promise<void> {
    const started = performance.now();
    const job = await this.jobs.findById(jobId);
    if (!job || job.status !== 'queued') return;
    const { store_id: storeId } = job;
    try {
      await this.jobs.markRunning(jobId);
      await this.announce(storeId, jobId, 'running', 'reading', 0);
      let lastReport = 0;
      const { database, negativeLinesSkipped } = await loadStoreDatabase(
        this.ingestion,
        storeId,
        (read) => {
          if (read - lastReport >= 20000) {
            lastReport = read;
            void this.announce(storeId, jobId, 'running', 'reading', 0, read);
          }
        },
        abort.signal,
      );
      if (abort.signal.aborted) return;
      await this.jobs.progress(jobId, 'mining', 0.3);
      await this.announce(storeId, jobId, 'running', 'mining', 0.3, database.nTransactions);
      const options = validateJobOptions(job.options);
      const threads = Math.min(job.options.threads || this.settings.threads, this.settings.threads);
      const serialised = serialiseDatabase(database);
      const resourceLimits = this.settings.workerMaxOldGenerationMb ? { maxOldGenerationSizeMb: this.settings.workerMaxOldGenerationMb } : undefined;
      const guarded = {
        ...options,
        ...(this.settings.maxItemsets ? { maxItemsets: Math.max(this.settings.maxItemsets, options.topK ?? 0) } : {}),
        ...(this.settings.maxItemsetItems && !options.topK ? { maxItemsetItems: this.settings.maxItemsetItems } : {}),
        ...(this.settings.memoryBudgetMb ? { memoryBudgetBytes: this.settings.memoryBudgetMb * 1024 * 1024 } : {}),
      };
      const worker = new Worker(join(__dirname, 'mining.worker.js'), {
        ...(resourceLimits ? { resourceLimits } : {}),
        workerData: { database: serialised, options: guarded, threads, resourceLimits, niceness: this.settings.threadNiceness ?? 0 },
        transferList: [serialised.offsets.buffer, serialised.items.buffer, serialised.utilities.buffer, serialised.transactionUtility.buffer, serialised.itemSupport.buffer] as ArrayBuffer[],
      });
      this.running.get(jobId)!.worker = worker;
      const result = await new Promise<WorkerResult>((resolve) => {
        worker.once('message', resolve);
        worker.once('error', (error: Error & { code?: string }) =>
          resolve({
            ok: false,
            error: error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `the mining worker ran out of its ${this.settings.workerMaxOldGenerationMb} MB heap limit (MINING_WORKER_MAX_OLD_GENERATION_MB) and was stopped: raise the threshold or lower maxPatternLength` : error.message,
          }),
        );
        worker.once('exit', (code) => resolve({ ok: false, error: abort.signal.aborted ? 'cancelled' : `the mining worker exited with code ${code}` }));
      });
      await worker.terminate();
      if (abort.signal.aborted) return;
      if (!result.ok) throw new Error(result.error);
      await this.jobs.progress(jobId, 'storing', 0.9);
      const itemsets = [...result.itemsets!].sort((a, b) => b.utility - a.utility || a.items.length - b.items.length || (a.items.join('\u0000') < b.items.join('\u0000') ? -1 : 1));
      const kept: PatternRecord[] = itemsets.slice(0, this.settings.maxPatterns).map((p) => ({ items: p.items, utilityCents: p.utility, support: p.support, supportRatio: p.supportRatio, confidence: p.confidence }));
      const statistics: JobStatistics = {
        transactions: result.stats!.transactions,
        items: result.stats!.items,
        itemsets: itemsets.length,
        minUtilityCents: result.stats!.minUtility,
        requestedMinUtilityCents: result.stats!.requestedMinUtility,
        minUtilityKind: options.topK ? 'top-k' : typeof options.minUtility === 'string' ? 'percent' : 'amount',
        thresholdRaised: result.stats!.thresholdRaised,
        maxItemsets: result.stats!.maxItemsets,
        totalMs: 0,
        miningMs: Math.round(result.stats!.ms),
        peakRssMb: Math.max(result.peakRssMb ?? 0, process.resourceUsage().maxRSS / 1024),
        candidates: result.stats!.candidates,
        merging: result.stats!.merging,
        threads: result.stats!.threads,
        ...(negativeLinesSkipped ? { negativeLinesSkipped } : {}),
      };
      statistics.totalMs = Math.round(performance.now() - started);
      const completed = await this.jobs.complete(jobId, kept, statistics, kept.length < itemsets.length);
      if (!completed) return;
      this.jobSeconds.observe(statistics.totalMs / 1000);
      this.jobsFinished.inc({ outcome: 'completed' });
      await this.announce(storeId, jobId, 'completed', 'completed', 1, statistics.transactions, statistics.itemsets);
      this.logger.info({ jobId, storeId, itemsets: statistics.itemsets, ms: statistics.totalMs }, 'mining job completed');
    } catch (error) {
      if (abort.signal.aborted) return;
      const reason = (error as Error).message;
      await this.jobs.fail(jobId, 'failed', reason);
      this.jobsFinished.inc({ outcome: 'failed' });
      await this.announce(storeId, jobId, 'failed', 'failed', 0, 0, 0, reason);
      this.logger.error({ jobId, storeId, err: error }, 'mining job failed');
    }
  }

  private async announce(storeId: string, jobId: string, status: string, phase: string, progress: number, transactionsRead = 0, itemsets = 0, failureReason = '') {
    if (!this.bus) return;
    const event = miningV1.MiningJobProgressed.encode({ storeId, jobId, status, phase, progress, transactionsRead: String(transactionsRead), itemsets: String(itemsets), failureReason, at: new Date().toISOString() }).finish();
    await this.bus.publish(this.settings.topic, [{ key: storeId, value: Buffer.from(event), headers: { 'message-type': 'tessera.mining.v1.MiningJobProgressed' } }]).catch((error) => this.logger.warn({ err: error }, 'could not publish mining.jobs.v1 event'));
  }
}
