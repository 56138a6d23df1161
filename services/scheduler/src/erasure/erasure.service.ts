import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Bus, BusMessage } from '@tessera/bus';
import type { Logger } from '@tessera/common';
import { schedulerV1 } from '@tessera/proto';
import { BUS, CONFIG, LOGGER, ROLE_RULES } from '../scheduler.tokens';
import { checkStoreServed, type SchedulerRoleRules } from '../rules/scheduler-role.util';
import { SchedulerTopics } from '../scheduler.topics';
import type { SchedulerAllConfig, SchedulerStoreNodeConfig } from '../scheduler.config';
import { JobQueue, QUEUES, type QueuedJob } from '../queue/job-queue';
import { ErasureRepository, type ConfirmationRow, type ErasureRequestRow } from '../repositories/erasure.repository';
import { ScheduleInputError, UUID } from '../rules/schedule-input.util';
import { customerHashOf } from '../rules/customer-hash.util';
import { erasureReportDetails, validateErasure, type ErasureInput } from './erasure-input.util';
import { AuditClient } from './audit.client';

export class ErasureNotFoundError extends Error {}
export class ErasureUnavailableError extends Error {}

export interface ErasureView {
  request: ErasureRequestRow;
  confirmations: ConfirmationRow[];
}

/**
 * Data-subject erasure: a request is stored (with the customer's hash, never the id), queued,
 * published on erasure.requests.v1 and completed when every service holding data has
 * confirmed on erasure.confirmations.v1; the report then goes to the audit log.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly erasures: ErasureRepository,
    private readonly queue: JobQueue,
    private readonly audit: AuditClient,
    @Inject(BUS) private readonly bus: Bus,
    // The erasure variables are a store node's (and the all role's); the hub role refuses before reading them.
    @Inject(CONFIG) private readonly config: SchedulerStoreNodeConfig | SchedulerAllConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ROLE_RULES) private readonly role: SchedulerRoleRules,
  ) {}

  async create(input: ErasureInput & { requestedBy: string }): Promise<ErasureView> {
    if (!this.role.erasure) throw new ErasureUnavailableError(`erasure requests are made on the store node's scheduler (SCHEDULER_ROLE=store-node), where the data and the customer hash key are; this is the ${this.role.role} scheduler`);
    const valid = validateErasure(input, 90);
    checkStoreServed(this.role, valid.storeId);
    if (valid.customerId !== null && !this.config.CUSTOMER_HASH_KEY) throw new ErasureUnavailableError('customer erasure needs CUSTOMER_HASH_KEY on the scheduler (the key ingestion hashes customer ids with)');
    const customerHash = valid.customerId === null ? null : customerHashOf(this.config.CUSTOMER_HASH_KEY, valid.storeId, valid.customerId);
    const deadline = new Date(Date.now() + (valid.deadlineDays ?? this.config.ERASURE_DEADLINE_DAYS) * 86_400_000);
    const awaiting = this.config.ERASURE_SERVICES.split(',').map((s) => s.trim()).filter(Boolean);
    // The request and its queued job in one transaction; queued, not published inline, so a bus outage is retried with backoff.
    const request = await this.dataSource.transaction(async (manager) => {
      const created = await this.erasures.create(manager, { requestId: randomUUID(), scope: valid.scope, storeId: valid.storeId, customerHash, awaiting, requestedBy: input.requestedBy || 'unknown', deadline });
      await this.queue.sendIn(manager, QUEUES.erasures, created.request_id, { requestId: created.request_id });
      return created;
    });
    return { request, confirmations: [] };
  }

  async get(requestId: string): Promise<ErasureView> {
    if (!UUID.test(requestId)) throw new ScheduleInputError('id', `${JSON.stringify(requestId)} is not an erasure request id`);
    const request = await this.erasures.find(requestId);
    if (!request) throw new ErasureNotFoundError(`no erasure request ${requestId}`);
    return { request, confirmations: await this.erasures.confirmations(requestId) };
  }

  async start(): Promise<void> {
    if (!this.role.erasure) return;
    await this.queue.work(QUEUES.erasures, (job) => this.publish(job));
  }

  /** The queued step: publishes the request for every service holding data. */
  async publish(job: QueuedJob): Promise<void> {
    const request = await this.erasures.find(String(job.data.requestId));
    if (!request || request.status === 'completed') return;
    const event: schedulerV1.ErasureRequested = {
      requestId: request.request_id,
      scope: request.scope,
      storeId: request.store_id,
      customerHash: request.customer_hash ?? '',
      requestedAt: new Date(request.requested_at).toISOString(),
      deadline: new Date(request.deadline).toISOString(),
    };
    await this.bus.publish(SchedulerTopics.erasureRequests, [{ key: request.store_id, value: Buffer.from(schedulerV1.ErasureRequested.encode(event).finish()) }]);
    await this.erasures.markPublished(request.request_id);
  }

  /** Confirmations from the services; the one that completes a request writes its report to the audit log. */
  async confirmed(batch: BusMessage[]): Promise<void> {
    for (const message of batch) {
      const confirmation = schedulerV1.ErasureConfirmed.decode(message.value);
      if (!UUID.test(confirmation.requestId)) continue;
      const completed = await this.erasures.confirm({
        requestId: confirmation.requestId,
        service: confirmation.service,
        deleted: confirmation.deleted.map((d) => ({ dataClass: d.dataClass, count: Number(d.count) })),
        note: confirmation.note,
        confirmedAt: confirmation.confirmedAt ? new Date(confirmation.confirmedAt) : new Date(),
      });
      if (completed) await this.report(completed);
    }
  }

  async report(request: ErasureRequestRow): Promise<void> {
    const confirmations = await this.erasures.confirmations(request.request_id);
    const details = erasureReportDetails(request, confirmations);
    await this.audit
      .record({ action: 'erasure.complete', targetType: 'erasure_request', targetId: request.request_id, storeId: request.store_id, success: true, details })
      .catch((error) => this.logger.error({ err: error, requestId: request.request_id }, 'the erasure report could not be written to the audit log'));
    this.logger.info({ requestId: request.request_id, storeId: request.store_id, ...details }, 'erasure request completed');
  }

  /** Requests past their deadline are reported to the audit log as overdue, once. */
  async checkDeadlines(now = new Date()): Promise<void> {
    for (const request of await this.erasures.markOverdue(now)) {
      await this.audit
        .record({ action: 'erasure.overdue', targetType: 'erasure_request', targetId: request.request_id, storeId: request.store_id, success: false, reason: `not confirmed by ${request.awaiting.join(', ')} before the deadline`, details: { scope: request.scope } })
        .catch((error) => this.logger.error({ err: error }, 'the overdue erasure could not be written to the audit log'));
    }
  }
}
