import { Inject, Injectable } from '@nestjs/common';
import { authV1 } from '@tessera/proto';
import { AUTH_CLIENT } from '../scheduler.tokens';
import { callUnary } from '../kinds/grpc-call';

/** Writes the scheduler's reports to the auth service's audit log, as the system actor. */
@Injectable()
export class AuditClient {
  constructor(@Inject(AUTH_CLIENT) private readonly auth: authV1.AuthServiceClient) {}

  async record(event: { action: string; targetType: string; targetId: string; storeId: string; success: boolean; reason?: string; details: Record<string, unknown> }): Promise<string> {
    const response = await callUnary<authV1.RecordAuditEventRequest, authV1.RecordAuditEventResponse>(this.auth, this.auth.recordAuditEvent, {
      context: { actor: { type: authV1.ActorType.ACTOR_TYPE_SYSTEM, id: 'scheduler', email: '', role: authV1.Role.ROLE_UNSPECIFIED, storeId: '' }, ip: '', userAgent: 'tessera-scheduler', requestId: event.targetId },
      action: event.action,
      targetType: event.targetType,
      targetId: event.targetId,
      storeId: event.storeId,
      outcome: event.success ? authV1.AuditOutcome.AUDIT_OUTCOME_SUCCESS : authV1.AuditOutcome.AUDIT_OUTCOME_FAILURE,
      reason: event.reason ?? '',
      detailsJson: JSON.stringify(event.details),
    });
    return response.id;
  }
}
