import type { AuditEntry, AuditFilter, AuditRecord, RequestContext } from '../auth.model';
import { AuthError } from '../auth.model';
import { Injectable } from '@nestjs/common';
import { AuthDatabase, type AuthRepositories } from '../repositories';
import { isValidAction, sanitizeAuditDetails } from './audit-details.util';

/**
 * The audit log: every write and every sign-in, with who, what, when, from where and the
 * outcome. Writes of this service record their row inside the write's own transaction
 * (`recordIn`), so a write is logged exactly when it commits.
 */
@Injectable()
export class AuditService {
  constructor(private readonly database: AuthDatabase) {}

  recordIn(repositories: AuthRepositories, context: RequestContext, entry: AuditEntry): Promise<string> {
    return repositories.audit.insert(normalizeContext(context), { ...entry, details: sanitizeAuditDetails(entry.details) });
  }

  record(context: RequestContext, entry: AuditEntry): Promise<string> {
    return this.recordIn(this.database.read, context, entry);
  }

  /** A write another service performed (or the gateway refused), reported by the gateway. */
  async recordForwarded(context: RequestContext, entry: AuditEntry): Promise<string> {
    if (!isValidAction(entry.action)) throw new AuthError('invalid', `action "${entry.action}" must look like resource.verb (lowercase)`);
    return this.record(context, entry);
  }

  list(filter: AuditFilter): Promise<{ records: AuditRecord[]; total: number }> {
    return this.database.read.audit.list(filter);
  }
}

function clip(value: string | undefined, length: number): string | undefined {
  return value ? value.slice(0, length) : undefined;
}

function normalizeContext(context: RequestContext): RequestContext {
  return { actor: context.actor, ip: clip(context.ip, 64), userAgent: clip(context.userAgent, 256), requestId: clip(context.requestId, 128) };
}
