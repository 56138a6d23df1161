import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Request } from 'express';
import { authV1 } from '@tessera/proto';
import type { Logger } from '@tessera/common';
import { LOGGER } from '@tessera/nest-core';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { accessOf } from '../access/request-principal';
import { callerOf, type Caller } from '../http/caller';

/** The caller of an audited request, with the store it was authorized for (or refused). */
export interface AuditedCaller extends Caller {
  readonly storeId?: string;
  readonly attemptedStoreId?: string;
}

/** Read when the row is written: the handler may have named the store meanwhile (a multipart field). */
export function auditedCallerOf(request: Request): AuditedCaller {
  const access = accessOf(request);
  return { ...callerOf(request), storeId: access.storeId, attemptedStoreId: access.attemptedStoreId };
}

const OUTCOME = { success: authV1.AuditOutcome.AUDIT_OUTCOME_SUCCESS, failure: authV1.AuditOutcome.AUDIT_OUTCOME_FAILURE, denied: authV1.AuditOutcome.AUDIT_OUTCOME_DENIED } as const;

/**
 * Sends the audit rows the gateway is responsible for to the auth service: writes it
 * forwarded to store-node services, and writes it refused before any service saw them.
 * If the auth service cannot take the row, the write is not undone (it already happened
 * elsewhere); the row is logged in full at error level instead, so nothing is lost silently.
 * A store-node gateway has no auth service (the hub's is not a store's to write to): it
 * logs each row in full, as a structured `audit` line, at info level.
 */
@Injectable()
export class AuditRecorder {
  constructor(
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(AUTH_CLIENT) private readonly auth?: AuthClient,
  ) {}

  denied(caller: AuditedCaller, action: string, reason: string): Promise<void> {
    return this.record(caller, action, 'denied', { reason });
  }

  async record(caller: AuditedCaller, action: string, outcome: keyof typeof OUTCOME, fields: { storeId?: string; reason?: string; details?: Record<string, unknown> } = {}): Promise<void> {
    const storeId = fields.storeId ?? caller.storeId ?? caller.attemptedStoreId ?? '';
    const event: authV1.RecordAuditEventRequest = {
      context: caller.context,
      action,
      targetType: storeId ? 'store' : '',
      targetId: storeId,
      storeId,
      outcome: OUTCOME[outcome],
      reason: fields.reason ?? '',
      detailsJson: JSON.stringify(fields.details ?? {}),
    };
    if (!this.auth) {
      this.logger.info({ audit: { ...event, context: { ...event.context } } }, `audit ${action} ${outcome}`);
      return;
    }
    try {
      await this.auth.call((c) => c.recordAuditEvent, event, caller.requestId);
    } catch (error) {
      this.logger.error({ err: (error as Error).message, audit: { ...event, context: { ...event.context } } }, 'could not write an audit row; recorded here instead');
    }
  }
}
