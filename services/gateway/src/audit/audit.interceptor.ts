import { HttpException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { catchError, from, mergeMap, throwError, type Observable } from 'rxjs';
import { ACCESS_POLICY } from '../access/access.decorator';
import type { AccessPolicy } from '../access/access-policy';
import { AuditRecorder, auditedCallerOf } from './audit-recorder';

const SUMMARY_FIELDS = ['fileId', 'status', 'transactionCount', 'accepted', 'rejected', 'duplicates', 'stored', 'errorCount'];

/** Counts and ids from a write's answer; arrays become their length, nothing else is kept. */
export function auditSummary(result: unknown): Record<string, unknown> {
  const summary: Record<string, unknown> = {};
  if (!result || typeof result !== 'object') return summary;
  for (const field of SUMMARY_FIELDS) {
    const value = (result as Record<string, unknown>)[field];
    if (typeof value === 'number' || (typeof value === 'string' && value.length <= 64)) summary[field] = value;
    else if (Array.isArray(value)) summary[field] = value.length;
  }
  return summary;
}

/**
 * Records each gateway-audited write once, with its outcome, after the handler finishes.
 * (Writes the auth service performs are audited there, in the write's own transaction.)
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly recorder: AuditRecorder,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const policy = this.reflector.get<AccessPolicy | undefined>(ACCESS_POLICY, context.getHandler());
    if (context.getType() !== 'http' || policy?.audit?.by !== 'gateway') return next.handle();
    const { action } = policy.audit;
    const request = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      mergeMap((result) => from(this.recorder.record(auditedCallerOf(request), action, 'success', { storeId: (result as { storeId?: string })?.storeId, details: auditSummary(result) }).then(() => result))),
      catchError((error: unknown) => {
        const status = error instanceof HttpException ? error.getStatus() : 500;
        const response = error instanceof HttpException ? error.getResponse() : undefined;
        const message = typeof response === 'object' && response && 'message' in response ? String((response as { message: unknown }).message) : (error as Error).message;
        // a refused write's answer may say what was stored (e.g. `stored: 0` for an upload): keep that too
        return from(this.recorder.record(auditedCallerOf(request), action, status === 403 ? 'denied' : 'failure', { reason: `${status}: ${message}`.slice(0, 500), details: auditSummary(response) })).pipe(mergeMap(() => throwError(() => error)));
      }),
    );
  }
}
