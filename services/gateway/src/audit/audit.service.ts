import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../http/caller';
import { authV1 } from '@tessera/proto';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { auditJson } from '../auth/auth.json';
import type { ListAuditQuery } from './audit.dto';

const OUTCOME = { success: authV1.AuditOutcome.AUDIT_OUTCOME_SUCCESS, failure: authV1.AuditOutcome.AUDIT_OUTCOME_FAILURE, denied: authV1.AuditOutcome.AUDIT_OUTCOME_DENIED } as const;

@Injectable()
export class AuditQueryService {
  constructor(@Inject(AUTH_CLIENT) private readonly auth: AuthClient) {}

  async list(query: ListAuditQuery, caller: Caller) {
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    const response = await this.auth.call(
      (c) => c.listAuditEvents,
      {
        action: query.action ?? '',
        actorId: query.actorId ?? '',
        storeId: query.storeId ?? '',
        requestId: query.requestId ?? '',
        outcome: query.outcome ? OUTCOME[query.outcome] : authV1.AuditOutcome.AUDIT_OUTCOME_UNSPECIFIED,
        since: query.since ?? '',
        until: query.until ?? '',
        limit,
        offset,
      },
      caller.requestId,
    );
    return { events: response.events.map(auditJson), total: Number(response.total), limit, offset };
  }
}
