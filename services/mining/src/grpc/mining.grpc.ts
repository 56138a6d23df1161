import * as grpc from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { GrpcError } from '@tessera/common';
import { MiningLimitError } from '@tessera/huim';
import { miningV1 } from '@tessera/proto';
import { JobRunner, JobRuleError } from '../jobs/job-runner';
import { JobRepository, type JobRow, type PatternQuery } from '../repositories/job.repository';
import { MeasureService } from '../measure.service';

const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUS: Record<JobRow['status'], miningV1.JobStatus> = {
  queued: miningV1.JobStatus.JOB_STATUS_QUEUED,
  running: miningV1.JobStatus.JOB_STATUS_RUNNING,
  completed: miningV1.JobStatus.JOB_STATUS_COMPLETED,
  failed: miningV1.JobStatus.JOB_STATUS_FAILED,
  cancelled: miningV1.JobStatus.JOB_STATUS_CANCELLED,
};

function store(storeId: string) {
  if (!STORE_ID.test(storeId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `storeId ${JSON.stringify(storeId)} is not a valid store id`);
  return storeId;
}

function jobIdOf(jobId: string) {
  if (!UUID.test(jobId)) throw new GrpcError(grpc.status.INVALID_ARGUMENT, `jobId ${JSON.stringify(jobId)} is not a job id`);
  return jobId;
}

export function jobMessage(row: JobRow): miningV1.Job {
  const s = row.statistics;
  return {
    jobId: row.job_id,
    storeId: row.store_id,
    status: STATUS[row.status],
    options: {
      minUtility: row.options.minUtility ?? '',
      topK: row.options.topK ?? 0,
      minSupport: row.options.minSupport ?? 0,
      maxPatternLength: row.options.maxPatternLength ?? 0,
      merging: row.options.merging ?? 'auto',
      threads: row.options.threads ?? 0,
    },
    progress: row.progress,
    phase: row.phase,
    failureReason: row.failure_reason ?? '',
    statistics: s
      ? { transactions: String(s.transactions), items: String(s.items), itemsets: String(s.itemsets), minUtilityCents: String(s.minUtilityCents), totalMs: String(s.totalMs), miningMs: String(s.miningMs), peakRssMb: s.peakRssMb, candidates: String(s.candidates), merging: s.merging, threads: s.threads, requestedMinUtilityCents: String(s.requestedMinUtilityCents ?? s.minUtilityCents), minUtilityKind: s.minUtilityKind ?? '', thresholdRaised: s.thresholdRaised ?? false, maxItemsets: String(s.maxItemsets ?? 0) }
      : undefined,
    createdAt: new Date(row.created_at).toISOString(),
    startedAt: row.started_at ? new Date(row.started_at).toISOString() : '',
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : '',
  };
}

/** A broken job rule is the caller's mistake: INVALID_ARGUMENT with the rule's message; a mining limit is RESOURCE_EXHAUSTED. */
async function rules<Res>(handler: () => Promise<Res>): Promise<Res> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof JobRuleError) throw new GrpcError(grpc.status.INVALID_ARGUMENT, error.message);
    if (error instanceof MiningLimitError) throw new GrpcError(grpc.status.RESOURCE_EXHAUSTED, error.message);
    throw error;
  }
}

/** The MiningService gRPC API (proto/tessera/mining/v1/mining_service.proto). */
@Controller()
export class MiningGrpcController {
  constructor(
    private readonly runner: JobRunner,
    private readonly jobs: JobRepository,
    private readonly measurements: MeasureService,
  ) {}

  private async found(storeId: string, jobId: string) {
    const job = await this.jobs.find(store(storeId), jobIdOf(jobId));
    if (!job) throw new GrpcError(grpc.status.NOT_FOUND, `no mining job ${jobId} for store ${storeId}`);
    return job;
  }

  @GrpcMethod('MiningService', 'StartJob')
  startJob(request: miningV1.StartJobRequest): Promise<miningV1.StartJobResponse> {
    return rules(async () => {
      const o = request.options ?? { minUtility: '', topK: 0, minSupport: 0, maxPatternLength: 0, merging: '', threads: 0 };
      if (o.merging && !['auto', 'on', 'off'].includes(o.merging)) throw new JobRuleError('merging must be auto, on or off');
      const job = await this.runner.start(store(request.storeId), {
        minUtility: o.minUtility || undefined,
        topK: o.topK || undefined,
        minSupport: o.minSupport || undefined,
        maxPatternLength: o.maxPatternLength || undefined,
        merging: (o.merging || 'auto') as 'auto' | 'on' | 'off',
        threads: o.threads || undefined,
      });
      return { job: jobMessage(job) };
    });
  }

  @GrpcMethod('MiningService', 'GetJob')
  getJob(request: miningV1.GetJobRequest): Promise<miningV1.GetJobResponse> {
    return rules(async () => ({ job: jobMessage(await this.found(request.storeId, request.jobId)) }));
  }

  @GrpcMethod('MiningService', 'CancelJob')
  cancelJob(request: miningV1.CancelJobRequest): Promise<miningV1.CancelJobResponse> {
    return rules(async () => {
      await this.found(request.storeId, request.jobId);
      return { job: jobMessage((await this.runner.cancel(request.storeId, request.jobId))!) };
    });
  }

  @GrpcMethod('MiningService', 'ListPatterns')
  listPatterns(request: miningV1.ListPatternsRequest): Promise<miningV1.ListPatternsResponse> {
    return rules(async () => {
      const job = await this.found(request.storeId, request.jobId);
      const sortBy = (request.sortBy || 'utility') as PatternQuery['sortBy'];
      if (!['utility', 'support', 'confidence', 'length'].includes(sortBy)) throw new JobRuleError('sortBy must be utility, support, confidence or length');
      const order = (request.order || 'desc') as PatternQuery['order'];
      if (!['asc', 'desc'].includes(order)) throw new JobRuleError('order must be asc or desc');
      const { rows, total } = await this.jobs.patterns(request.storeId, request.jobId, {
        sortBy,
        order,
        minUtilityCents: Number(request.minUtilityCents) || undefined,
        minConfidence: request.minConfidence || undefined,
        minLength: request.minLength || undefined,
        maxLength: request.maxLength || undefined,
        containsItem: request.containsItem || undefined,
        limit: request.limit > 0 ? Math.min(request.limit, 10000) : 100,
        offset: Math.max(0, request.offset),
      });
      return {
        job: jobMessage(job),
        total: String(total),
        patterns: rows.map((r) => ({ items: r.items, utilityCents: r.utility_cents, support: String(r.support), supportRatio: r.support_ratio, confidence: r.confidence, rank: r.rank })),
      };
    });
  }

  @GrpcMethod('MiningService', 'ProposeItemsets')
  proposeItemsets(request: miningV1.ProposeItemsetsRequest): Promise<miningV1.ProposeItemsetsResponse> {
    return rules(async () => {
      if (!(request.topM >= 1 && request.topM <= 10000)) throw new JobRuleError('topM must be from 1 to 10000');
      if (!(request.maxPatternLength >= 1 && request.maxPatternLength <= 20)) throw new JobRuleError('maxPatternLength must be from 1 to 20');
      const itemsets = await this.measurements.propose(store(request.storeId), { topM: request.topM, maxLength: request.maxPatternLength, minSupport: request.minSupport || undefined });
      return { itemsets: itemsets.map((items) => ({ items })) };
    });
  }

  @GrpcMethod('MiningService', 'ClippedMeasurement')
  clippedMeasurement(request: miningV1.ClippedMeasurementRequest): Promise<miningV1.ClippedMeasurementResponse> {
    return rules(async () => {
      if (request.phase !== 'calibration' && request.phase !== 'measurement') throw new JobRuleError('phase must be calibration or measurement');
      let result;
      try {
        result = await this.measurements.clipped(store(request.storeId), request.planJson, request.phase);
      } catch (error) {
        if (error instanceof SyntaxError || error instanceof RangeError) throw new JobRuleError(`the plan was refused: ${error.message}`);
        throw error;
      }
      return { values: result.values, transactions: String(result.transactions), clippedTransactions: String(result.clippedTransactions) };
    });
  }

  @GrpcMethod('MiningService', 'MeasureItemsets')
  measureItemsets(request: miningV1.MeasureItemsetsRequest): Promise<miningV1.MeasureItemsetsResponse> {
    return rules(async () => {
      if (request.itemsets.length > 100000) throw new JobRuleError('measure at most 100000 itemsets per call');
      const result = await this.measurements.measure(
        store(request.storeId),
        request.itemsets.map((i) => i.items),
      );
      return { transactions: String(result.transactions), measurements: result.measurements.map((m) => ({ items: m.items, utilityCents: String(m.utilityCents), support: String(m.support) })) };
    });
  }
}
