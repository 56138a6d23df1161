import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { authV1 } from '@tessera/proto';
import type { Logger } from '@tessera/common';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { accessOf, requestContext } from '../access/request-principal';
import { requestIdOf } from '../http/request-id';

export const GATEWAY_LOGGER = Symbol('GATEWAY_LOGGER');

const OUTCOME = { success: authV1.AuditOutcome.AUDIT_OUTCOME_SUCCESS, failure: authV1.AuditOutcome.AUDIT_OUTCOME_FAILURE, denied: authV1.AuditOutcome.AUDIT_OUTCOME_DENIED } as const;

/**
 * Sends the audit rows the gateway is responsible for to the auth service: writes it
 * forwarded to store-node services, and writes it refused before any service saw them.
 * If the auth service cannot take the row, the write is not undone (it already happened
 * elsewhere); the row is logged in full at error level instead, so nothing is lost silently.
 */
@Injectable()
export class AuditRecorder {
  constructor(
    @Inject(AUTH_CLIENT) private readonly auth: AuthClient,
    @Inject(GATEWAY_LOGGER) private readonly logger: Logger,
  ) {}

  denied(request: Request, action: string, reason: string): Promise<void> {
    return this.record(request, action, 'denied', { reason });
  }

  async record(request: Request, action: string, outcome: keyof typeof OUTCOME, fields: { storeId?: string; reason?: string; details?: Record<string, unknown> } = {}): Promise<void> {
    const access = accessOf(request);
    const storeId = fields.storeId ?? access.storeId ?? access.attemptedStoreId ?? '';
    const event: authV1.RecordAuditEventRequest = {
      context: requestContext(request),
      action,
      targetType: storeId ? 'store' : '',
      targetId: storeId,
      storeId,
      outcome: OUTCOME[outcome],
      reason: fields.reason ?? '',
      detailsJson: JSON.stringify(fields.details ?? {}),
    };
    try {
      await this.auth.call((c) => c.recordAuditEvent, event, requestIdOf(request));
    } catch (error) {
      this.logger.error({ err: (error as Error).message, audit: { ...event, context: { ...event.context } } }, 'could not write an audit row; recorded here instead');
    }
  }
}
