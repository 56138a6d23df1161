import * as grpc from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { GrpcError } from '@tessera/common';
import { schedulerV1 } from '@tessera/proto';
import { ScheduleNotFoundError, ScheduleService, type ScheduleView } from '../schedule.service';
import { ErasureNotFoundError, ErasureService, ErasureUnavailableError, type ErasureView } from '../erasure/erasure.service';
import { ScheduleInputError } from '../rules/schedule-input.util';
import { StoreNotServedError } from '../rules/scheduler-role.util';
import type { RunRow } from '../repositories/run.repository';
import type { ScheduleScope } from '../repositories/schedule.repository';

const iso = (date: Date | string | null | undefined) => (date ? new Date(date).toISOString() : '');

export function scheduleMessage(view: ScheduleView): schedulerV1.Schedule {
  return {
    id: view.schedule_id,
    kind: view.kind,
    cron: view.cron,
    storeId: view.store_id ?? '',
    parametersJson: JSON.stringify(view.parameters),
    paused: view.paused,
    createdBy: view.created_by,
    createdAt: iso(view.created_at),
    nextRunAt: iso(view.nextRunAt),
    lastRunAt: iso(view.lastRun?.due_at),
    lastStatus: view.lastRun?.status ?? '',
    description: view.description,
  };
}

export function jobMessage(run: RunRow): schedulerV1.Job {
  return {
    id: run.run_id,
    scheduleId: run.schedule_id,
    kind: run.kind,
    storeId: run.store_id ?? '',
    dueAt: iso(run.due_at),
    status: run.status,
    attempts: run.attempts,
    startedAt: iso(run.started_at),
    finishedAt: iso(run.finished_at),
    failureReason: run.failure_reason ?? '',
    resultJson: run.result ? JSON.stringify(run.result) : '',
  };
}

export function erasureMessage(view: ErasureView): schedulerV1.ErasureRequest {
  const r = view.request;
  return {
    id: r.request_id,
    scope: r.scope,
    storeId: r.store_id,
    status: r.status,
    requestedBy: r.requested_by,
    requestedAt: iso(r.requested_at),
    deadline: iso(r.deadline),
    completedAt: iso(r.completed_at),
    awaiting: r.awaiting,
    confirmations: view.confirmations.map((c) => ({ service: c.service, note: c.note, confirmedAt: iso(c.confirmed_at), deleted: c.deleted.map((d) => ({ dataClass: d.dataClass, count: String(d.count) })) })),
  };
}

const scopeOf = (request: { storeIds: string[]; includeHubWide: boolean }): ScheduleScope => (request.storeIds.length ? { storeIds: request.storeIds, includeHubWide: request.includeHubWide } : { storeIds: 'all', includeHubWide: true });

/** Maps the scheduler's errors to gRPC statuses: bad input names its field. */
async function rules<Res>(handler: () => Promise<Res>): Promise<Res> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof ScheduleInputError) throw new GrpcError(grpc.status.INVALID_ARGUMENT, error.message);
    if (error instanceof StoreNotServedError) throw new GrpcError(grpc.status.PERMISSION_DENIED, error.message);
    if (error instanceof ScheduleNotFoundError || error instanceof ErasureNotFoundError) throw new GrpcError(grpc.status.NOT_FOUND, error.message);
    if (error instanceof ErasureUnavailableError) throw new GrpcError(grpc.status.FAILED_PRECONDITION, error.message);
    throw error;
  }
}

/** The SchedulerService gRPC API (proto/tessera/scheduler/v1/scheduler_service.proto); the gateway has checked role and scope. */
@Controller()
export class SchedulerGrpcController {
  constructor(
    private readonly schedules: ScheduleService,
    private readonly erasures: ErasureService,
  ) {}

  @GrpcMethod('SchedulerService', 'CreateSchedule')
  createSchedule(r: schedulerV1.CreateScheduleRequest): Promise<schedulerV1.CreateScheduleResponse> {
    return rules(async () => ({ schedule: scheduleMessage(await this.schedules.create(r)) }));
  }

  @GrpcMethod('SchedulerService', 'ListSchedules')
  listSchedules(r: schedulerV1.ListSchedulesRequest): Promise<schedulerV1.ListSchedulesResponse> {
    return rules(async () => ({ schedules: (await this.schedules.list(scopeOf(r))).map(scheduleMessage) }));
  }

  @GrpcMethod('SchedulerService', 'GetSchedule')
  getSchedule(r: schedulerV1.GetScheduleRequest): Promise<schedulerV1.GetScheduleResponse> {
    return rules(async () => ({ schedule: scheduleMessage(await this.schedules.get(r.id)) }));
  }

  @GrpcMethod('SchedulerService', 'PauseSchedule')
  pauseSchedule(r: schedulerV1.PauseScheduleRequest): Promise<schedulerV1.PauseScheduleResponse> {
    return rules(async () => ({ schedule: scheduleMessage(await this.schedules.setPaused(r.id, true)) }));
  }

  @GrpcMethod('SchedulerService', 'ResumeSchedule')
  resumeSchedule(r: schedulerV1.ResumeScheduleRequest): Promise<schedulerV1.ResumeScheduleResponse> {
    return rules(async () => ({ schedule: scheduleMessage(await this.schedules.setPaused(r.id, false)) }));
  }

  @GrpcMethod('SchedulerService', 'DeleteSchedule')
  deleteSchedule(r: schedulerV1.DeleteScheduleRequest): Promise<schedulerV1.DeleteScheduleResponse> {
    return rules(async () => (await this.schedules.delete(r.id), {}));
  }

  @GrpcMethod('SchedulerService', 'ListJobs')
  listJobs(r: schedulerV1.ListJobsRequest): Promise<schedulerV1.ListJobsResponse> {
    return rules(async () => ({ jobs: (await this.schedules.jobs({ scheduleId: r.scheduleId, failedOnly: r.failedOnly, limit: r.limit, scope: scopeOf(r) })).map(jobMessage) }));
  }

  @GrpcMethod('SchedulerService', 'CreateErasureRequest')
  createErasureRequest(r: schedulerV1.CreateErasureRequestRequest): Promise<schedulerV1.CreateErasureRequestResponse> {
    return rules(async () => ({ request: erasureMessage(await this.erasures.create(r)) }));
  }

  @GrpcMethod('SchedulerService', 'GetErasureRequest')
  getErasureRequest(r: schedulerV1.GetErasureRequestRequest): Promise<schedulerV1.GetErasureRequestResponse> {
    return rules(async () => ({ request: erasureMessage(await this.erasures.get(r.id)) }));
  }
}
