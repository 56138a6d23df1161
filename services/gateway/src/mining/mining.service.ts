import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { miningV1 } from '@tessera/proto';
import { callUnary } from '../clients/ingestion.client';
import { MINING_CLIENT } from '../clients/store-node.clients';
import { Downstream } from '../clients/downstream';
import type { MiningResultsQuery, StartMiningBody } from './mining.dto';

const STATUS: Record<number, string> = {
  [miningV1.JobStatus.JOB_STATUS_QUEUED]: 'queued',
  [miningV1.JobStatus.JOB_STATUS_RUNNING]: 'running',
  [miningV1.JobStatus.JOB_STATUS_COMPLETED]: 'completed',
  [miningV1.JobStatus.JOB_STATUS_FAILED]: 'failed',
  [miningV1.JobStatus.JOB_STATUS_CANCELLED]: 'cancelled',
};

/** Largest amount in currency units whose cents stay exact (int64 on the wire, safe integer inside). */
export const MAX_UNITS = Math.floor(Number.MAX_SAFE_INTEGER / 100);

/** Money is integer cents inside Tessera; the API speaks currency units. */
const units = (cents: string | number) => Number(cents) / 100;

export function jobJson(job: miningV1.Job) {
  const s = job.statistics;
  return {
    jobId: job.jobId,
    storeId: job.storeId,
    status: STATUS[job.status] ?? 'unknown',
    phase: job.phase,
    progress: job.progress,
    failureReason: job.failureReason || undefined,
    createdAt: job.createdAt,
    startedAt: job.startedAt || undefined,
    finishedAt: job.finishedAt || undefined,
    statistics: s
      ? {
          transactions: Number(s.transactions),
          items: Number(s.items),
          patternCount: Number(s.itemsets),
          minUtility: units(s.minUtilityCents),
          // what was asked (an amount in currency units, a percentage of the store's total, or top-k)
          // and whether the itemset cap raised the threshold to minUtility
          requestedMinUtility: units(s.requestedMinUtilityCents),
          minUtilityKind: s.minUtilityKind || undefined,
          thresholdRaised: s.thresholdRaised,
          maxItemsets: Number(s.maxItemsets) || undefined,
          executionTimeMs: Number(s.totalMs),
          miningTimeMs: Number(s.miningMs),
          peakMemoryMb: Math.round(s.peakRssMb * 10) / 10,
          candidates: Number(s.candidates),
          transactionMerging: s.merging,
          threads: s.threads,
        }
      : undefined,
  };
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

@Injectable()
export class MiningService {
  constructor(
    @Inject(MINING_CLIENT) private readonly mining: miningV1.MiningServiceClient,
    private readonly downstream: Downstream,
  ) {}

  async start(body: StartMiningBody, requestId?: string) {
    if ((body.minUtility === undefined) === (body.topK === undefined)) throw new BadRequestException('give either minUtility (currency units, or a percentage such as "0.5%") or topK');
    if (body.minUtility !== undefined && typeof body.minUtility !== 'number' && typeof body.minUtility !== 'string') throw new BadRequestException('minUtility must be a number (currency units) or a percentage string such as "0.5%"');
    const minUtility = body.minUtility === undefined ? '' : typeof body.minUtility === 'string' ? body.minUtility : String(Math.round(body.minUtility * 100));
    if (typeof body.minUtility === 'number' && !(body.minUtility >= 0 && body.minUtility <= MAX_UNITS)) throw new BadRequestException(`minUtility must be a number from 0 to ${MAX_UNITS} (currency units) or a percentage such as "0.5%"`);
    const { job } = await this.downstream.run('mining', () =>
      callUnary(this.mining.startJob.bind(this.mining), {
        storeId: body.storeId,
        requestId: requestId ?? '',
        options: { minUtility, topK: body.topK ?? 0, minSupport: body.minSupport ?? 0, maxPatternLength: body.maxPatternLength ?? 0, merging: body.usePruning === false ? 'off' : 'auto', threads: 0 },
      }, requestId),
    );
    return jobJson(job!);
  }

  async job(storeId: string, jobId: string, requestId?: string) {
    const { job } = await this.downstream.run('mining', () => callUnary(this.mining.getJob.bind(this.mining), { storeId, jobId }, requestId));
    return jobJson(job!);
  }

  async cancel(storeId: string, jobId: string, requestId?: string) {
    const { job } = await this.downstream.run('mining', () => callUnary(this.mining.cancelJob.bind(this.mining), { storeId, jobId }, requestId));
    return jobJson(job!);
  }

  async results(jobId: string, query: MiningResultsQuery, requestId?: string) {
    const response = await this.downstream.run('mining', () =>
      callUnary(this.mining.listPatterns.bind(this.mining), {
        storeId: query.storeId,
        jobId,
        sortBy: query.sortBy ?? 'utility',
        order: query.order ?? 'desc',
        minUtilityCents: query.minUtility === undefined ? '0' : String(Math.round(query.minUtility * 100)),
        minConfidence: query.minConfidence ?? 0,
        minLength: query.minLength ?? 0,
        maxLength: query.maxLength ?? 0,
        containsItem: query.containsItem ?? '',
        limit: query.limit ?? 100,
        offset: query.offset ?? 0,
      }, requestId),
    );
    const patterns = response.patterns.map((p) => ({ items: p.items, utility: units(p.utilityCents), support: Number(p.support), supportRatio: p.supportRatio, confidence: p.confidence, rank: p.rank }));
    return { ...jobJson(response.job!), patterns, total: Number(response.total), limit: query.limit ?? 100, offset: query.offset ?? 0 };
  }

  static toCsv(patterns: { items: string[]; utility: number; support: number; supportRatio: number; confidence: number; rank: number }[]): string {
    const rows = ['rank,items,utility,support,support_ratio,confidence', ...patterns.map((p) => [p.rank, csvField(p.items.join(' ')), p.utility.toFixed(2), p.support, p.supportRatio, p.confidence].join(','))];
    return rows.join('\n') + '\n';
  }
}
