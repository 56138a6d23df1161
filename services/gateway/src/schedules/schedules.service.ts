import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { schedulerV1 } from '@tessera/proto';
import { callUnary } from '../clients/ingestion.client';
import { Downstream } from '../clients/downstream';
import type { Caller } from '../http/caller';
import { storeInScope } from '../access/access-policy.util';
import { SCHEDULER_CLIENT } from './scheduler.client';
import { listingScope, scheduleRefusal } from './schedule-access.util';
import type { CreateErasureBody, CreateScheduleBody, JobsQuery } from './schedules.dto';

export function scheduleJson(schedule: schedulerV1.Schedule) {
  return {
    id: schedule.id,
    kind: schedule.kind,
    cron: schedule.cron,
    storeId: schedule.storeId || undefined,
    parameters: schedule.parametersJson ? JSON.parse(schedule.parametersJson) : {},
    description: schedule.description,
    paused: schedule.paused,
    createdBy: schedule.createdBy,
    createdAt: schedule.createdAt,
    nextRunAt: schedule.nextRunAt || undefined,
    lastRunAt: schedule.lastRunAt || undefined,
    lastStatus: schedule.lastStatus || undefined,
  };
}

export function jobJson(job: schedulerV1.Job) {
  return {
    id: job.id,
    scheduleId: job.scheduleId,
    kind: job.kind,
    storeId: job.storeId || undefined,
    dueAt: job.dueAt,
    status: job.status,
    attempts: job.attempts,
    startedAt: job.startedAt || undefined,
    finishedAt: job.finishedAt || undefined,
    failureReason: job.failureReason || undefined,
    result: job.resultJson ? JSON.parse(job.resultJson) : undefined,
  };
}

export function erasureJson(request: schedulerV1.ErasureRequest) {
  return {
    id: request.id,
    scope: request.scope,
    storeId: request.storeId,
    status: request.status,
    requestedBy: request.requestedBy,
    requestedAt: request.requestedAt,
    deadline: request.deadline,
    completedAt: request.completedAt || undefined,
    awaiting: request.awaiting,
    report: request.confirmations.map((c) => ({ service: c.service, confirmedAt: c.confirmedAt, note: c.note || undefined, deleted: Object.fromEntries(c.deleted.map((d) => [d.dataClass, Number(d.count)])) })),
  };
}

/** Schedules, runs and erasure requests, through the scheduler's gRPC API, limited to what the caller may touch. */
@Injectable()
export class SchedulesService {
  constructor(
    @Inject(SCHEDULER_CLIENT) private readonly scheduler: schedulerV1.SchedulerServiceClient,
    private readonly downstream: Downstream,
  ) {}

  private call<Res>(call: () => Promise<Res>): Promise<Res> {
    return this.downstream.run('scheduler', call);
  }

  private authorize(caller: Caller, schedule: { kind: string; storeId: string }): void {
    const refusal = scheduleRefusal(caller.principal, schedule);
    if (schedule.storeId) caller.recordStore(schedule.storeId, Boolean(refusal));
    if (refusal) throw new ForbiddenException(refusal);
  }

  async create(body: CreateScheduleBody, caller: Caller) {
    this.authorize(caller, { kind: body.kind, storeId: body.storeId ?? '' });
    const { schedule } = await this.call(() =>
      callUnary(this.scheduler.createSchedule.bind(this.scheduler), { kind: body.kind, cron: body.cron, storeId: body.storeId ?? '', parametersJson: JSON.stringify(body.parameters ?? {}), createdBy: caller.principal?.id ?? 'unknown', description: body.description ?? '' }, caller.requestId),
    );
    return scheduleJson(schedule!);
  }

  async list(caller: Caller) {
    const scope = listingScope(caller.principal);
    const { schedules } = await this.call(() => callUnary(this.scheduler.listSchedules.bind(this.scheduler), scope === 'all' ? { storeIds: [], includeHubWide: true } : scope, caller.requestId));
    return { schedules: schedules.map(scheduleJson) };
  }

  /** Pause, resume or delete: the schedule is looked up first, so the caller's right is checked on its real kind and store. */
  async change(id: string, action: 'pause' | 'resume' | 'delete', caller: Caller) {
    const { schedule } = await this.call(() => callUnary(this.scheduler.getSchedule.bind(this.scheduler), { id }, caller.requestId));
    this.authorize(caller, { kind: schedule!.kind, storeId: schedule!.storeId });
    if (action === 'delete') {
      await this.call(() => callUnary(this.scheduler.deleteSchedule.bind(this.scheduler), { id }, caller.requestId));
      return { id, deleted: true, storeId: schedule!.storeId || undefined };
    }
    const method = action === 'pause' ? this.scheduler.pauseSchedule : this.scheduler.resumeSchedule;
    const changed = await this.call(() => callUnary(method.bind(this.scheduler), { id }, caller.requestId));
    return scheduleJson(changed.schedule!);
  }

  async jobs(query: JobsQuery, caller: Caller) {
    const scope = listingScope(caller.principal);
    const { jobs } = await this.call(() =>
      callUnary(this.scheduler.listJobs.bind(this.scheduler), { scheduleId: query.scheduleId ?? '', failedOnly: query.failed === 'true', limit: query.limit ?? 100, ...(scope === 'all' ? { storeIds: [], includeHubWide: true } : scope) }, caller.requestId),
    );
    return { jobs: jobs.map(jobJson) };
  }

  async createErasure(body: CreateErasureBody, caller: Caller) {
    const { request: created } = await this.call(() =>
      callUnary(this.scheduler.createErasureRequest.bind(this.scheduler), { scope: body.scope, storeId: body.storeId, customerId: body.customerId ?? '', requestedBy: caller.principal?.id ?? 'unknown', deadlineDays: body.deadlineDays ?? 0 }, caller.requestId),
    );
    return erasureJson(created!);
  }

  async erasure(id: string, caller: Caller) {
    const { request: found } = await this.call(() => callUnary(this.scheduler.getErasureRequest.bind(this.scheduler), { id }, caller.requestId));
    const principal = caller.principal;
    if (!principal || !storeInScope(principal, found!.storeId)) throw new ForbiddenException(`erasure request ${id} is for a store you do not manage`);
    return erasureJson(found!);
  }
}
