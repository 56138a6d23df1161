import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from '@tessera/common';
import { authV1 } from '@tessera/proto';
import { AUTH_CLIENT, LOGGER } from '../scheduler.tokens';
import { callUnary } from '../kinds/grpc-call';

/**
 * Writes the scheduler's reports to the auth service's audit log, as the system actor. A
 * store-node scheduler has no auth service (the hub's is not a store's to write to): it logs
 * each report in full, as a structured `audit` line at info level (like the store-node
 * gateway's AuditRecorder), and answers an empty id.
 */
@Injectable()
export class AuditClient {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(AUTH_CLIENT) private readonly auth?: authV1.AuthServiceClient,
  ) {}

  async record(event: { action: string; targetType: string; targetId: string; storeId: string; success: boolean; reason?: string; details: Record<string, unknown> }): Promise<string> {
    const request: authV1.RecordAuditEventRequest = {
      context: { actor: { type: authV1.ActorType.ACTOR_TYPE_SYSTEM, id: 'scheduler', email: '', role: authV1.Role.ROLE_UNSPECIFIED, storeId: '' }, ip: '', userAgent: 'tessera-scheduler', requestId: event.targetId },
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId,
      storeId: event.storeId,
      outcome: event.success ? authV1.AuditOutcome.AUDIT_OUTCOME_SUCCESS : authV1.AuditOutcome.AUDIT_OUTCOME_FAILURE,
      reason: event.reason ?? '',
      detailsJson: JSON.stringify(event.details),
    };
    if (!this.auth) {
      this.logger.info({ audit: { ...request, context: { ...request.context } } }, `audit ${event.action} ${event.success ? 'success' : 'failure'}`);
      return '';
    }
    const response = await callUnary<authV1.RecordAuditEventRequest, authV1.RecordAuditEventResponse>(this.auth, this.auth.recordAuditEvent, request);
    return response.id;
  }
}
