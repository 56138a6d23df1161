import * as grpc from '@grpc/grpc-js';
import { GrpcError, unary, type GrpcBinding } from '@tessera/common';
import { schedulerV1 } from '@tessera/proto';
import type { ScheduleService, ScheduleView } from '../schedule.service';
import { ScheduleNotFoundError } from '../schedule.service';
import { ErasureNotFoundError, ErasureUnavailableError, type ErasureService, type ErasureView } from '../erasure/erasure.service';
import { ScheduleInputError } from '../rules/schedule-input.util';
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
function rules<Req, Res>(handler: (request: Req) => Promise<Res>) {
  return unary<Req, Res>(async (request) => {
    try {
      return await handler(request);
    } catch (error) {
      if (error instanceof ScheduleInputError) throw new GrpcError(grpc.status.INVALID_ARGUMENT, error.message);
      if (error instanceof ScheduleNotFoundError || error instanceof ErasureNotFoundError) throw new GrpcError(grpc.status.NOT_FOUND, error.message);
      if (error instanceof ErasureUnavailableError) throw new GrpcError(grpc.status.FAILED_PRECONDITION, error.message);
      throw error;
    }
  });
}

export function schedulerGrpcBinding(schedules: ScheduleService, erasures: ErasureService): GrpcBinding {
  const implementation: schedulerV1.SchedulerServiceServer = {
    createSchedule: rules(async (r) => ({ schedule: scheduleMessage(await schedules.create(r)) })),
    listSchedules: rules(async (r) => ({ schedules: (await schedules.list(scopeOf(r))).map(scheduleMessage) })),
    getSchedule: rules(async (r) => ({ schedule: scheduleMessage(await schedules.get(r.id)) })),
    pauseSchedule: rules(async (r) => ({ schedule: scheduleMessage(await schedules.setPaused(r.id, true)) })),
    resumeSchedule: rules(async (r) => ({ schedule: scheduleMessage(await schedules.setPaused(r.id, false)) })),
    deleteSchedule: rules(async (r) => (await schedules.delete(r.id), {})),
    listJobs: rules(async (r) => ({ jobs: (await schedules.jobs({ scheduleId: r.scheduleId, failedOnly: r.failedOnly, limit: r.limit, scope: scopeOf(r) })).map(jobMessage) })),
    createErasureRequest: rules(async (r) => ({ request: erasureMessage(await erasures.create(r)) })),
    getErasureRequest: rules(async (r) => ({ request: erasureMessage(await erasures.get(r.id)) })),
  };
  return { definition: schedulerV1.SchedulerServiceService, implementation };
}
