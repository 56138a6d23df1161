import { BadRequestException, ForbiddenException, HttpStatus, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { requestIdOf } from '../http/request-id';
import { RetryAfterException } from '../http/retry-after';
import { RATE_LIMITER } from '../rate-limit/rate-limit.tokens';
import { rateLimitMessage, type RateLimiter } from '../rate-limit/rate-limiter';
import { setRateHeaders } from '../rate-limit/rate-limit.middleware';
import { AuditRecorder, auditedCallerOf } from '../audit/audit-recorder';
import { ACCESS_POLICY } from './access.decorator';
import type { AccessPolicy, Principal } from './access-policy';
import { evaluateAccess } from './access-policy.util';
import { JwtAuthGuard } from './jwt.strategy';
import { PrincipalService } from './principal.service';
import { accessOf } from './request-principal';

const API_KEY_HEADER = 'x-api-key';

/** The credential a request carries: a bearer access token, or an API key (X-API-Key, or a bearer starting tsk_). */
export function credentialOf(request: Request): { kind: 'token' } | { kind: 'apiKey'; key: string } | undefined {
  const apiKey = request.header(API_KEY_HEADER);
  if (apiKey) return { kind: 'apiKey', key: apiKey.trim() };
  const authorization = request.header('authorization');
  if (!authorization) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (bearer?.startsWith('tsk_')) return { kind: 'apiKey', key: bearer };
  return { kind: 'token' };
}

/** The store a request names where its policy says to look (query or body), if any. */
function namedStore(policy: AccessPolicy, request: Request): string | undefined {
  const container = policy.store === 'body.storeId' ? request.body : policy.store === 'query.storeId' || policy.store === 'multipart.storeId' ? request.query : undefined;
  const value = container && typeof container === 'object' ? (container as Record<string, unknown>).storeId : undefined;
  return typeof value === 'string' ? value.slice(0, 64) : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Runs on every route. Reads the route's declared policy (no policy: refused), establishes
 * who is calling (passport-jwt or an API key), applies the per-user or per-key rate limit,
 * then evaluates roles and store scope. Refused writes are audited as denied.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtAuthGuard,
    private readonly principals: PrincipalService,
    private readonly audit: AuditRecorder,
    @Inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const policy = this.reflector.get<AccessPolicy | undefined>(ACCESS_POLICY, context.getHandler());
    if (!policy) throw new ForbiddenException(`${request.method} ${request.path} declares no access policy, so nobody may call it`);
    if (policy.public) return this.allowPublic(request);

    const credential = credentialOf(request);
    if (!credential) {
      throw new UnauthorizedException(
        `sign in first: send Authorization: Bearer <access token> (from POST /api/auth/login)${policy.apiKey ? ', or a store API key in X-API-Key' : ''}`,
      );
    }
    let principal: Principal;
    if (credential.kind === 'apiKey') principal = await this.principals.forApiKey(credential.key, requestIdOf(request));
    else {
      await this.jwt.canActivate(context);
      principal = request.user as Principal;
    }
    accessOf(request).principal = principal;
    await this.limit(principal, response);

    const decision = evaluateAccess(policy, principal, { query: request.query as Record<string, unknown>, body: request.body });
    if (decision.allowed) {
      if (decision.storeId) accessOf(request).storeId = decision.storeId;
      return true;
    }
    if (policy.audit && decision.status === 403) {
      accessOf(request).attemptedStoreId = namedStore(policy, request);
      await this.audit.denied(auditedCallerOf(request), policy.audit.action, decision.message);
    }
    if (decision.status === 400) throw new BadRequestException(decision.message);
    throw decision.status === 401 ? new UnauthorizedException(decision.message) : new ForbiddenException(decision.message);
  }

  private allowPublic(request: Request): boolean {
    if (request.path === '/metrics' && this.options.metricsToken) {
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.header('authorization') ?? '')?.[1];
      if (!bearer || !sameSecret(bearer, this.options.metricsToken)) throw new UnauthorizedException('GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    }
    return true;
  }

  private async limit(principal: Principal, response: Response): Promise<void> {
    const scope = principal.kind === 'apiKey' ? 'api_key' : 'user';
    const limit = principal.kind === 'apiKey' ? this.options.rateLimits.perApiKey : this.options.rateLimits.perUser;
    const decision = await this.limiter.check(scope, principal.id, limit);
    setRateHeaders(response, decision);
    if (!decision.allowed) throw new RetryAfterException(HttpStatus.TOO_MANY_REQUESTS, rateLimitMessage(scope, decision, this.limiter.windowMs), decision.retryAfterMs / 1000);
  }
}
