import * as grpc from '@grpc/grpc-js';
import { requestIdOf, type GrpcBinding } from '@tessera/common';
import { authV1 } from '@tessera/proto';
import { AuthError, type AuditFilter } from '../auth.model';
import type { SessionService, IssuedSession } from '../services/session.service';
import type { UserService } from '../services/user.service';
import type { DirectoryService } from '../services/directory.service';
import type { ApiKeyService } from '../services/api-key.service';
import type { AuditService } from '../audit/audit.service';
import { parseAuditDetails } from '../audit/audit-details.util';
import { apiKeyToProto, auditToProto, contextFromProto, outcomeFromProto, regionToProto, roleFromProto, storeToProto, userToProto } from './auth-proto.mapping';

const STATUS: Record<AuthError['kind'], grpc.status> = {
  unauthenticated: grpc.status.UNAUTHENTICATED,
  locked: grpc.status.RESOURCE_EXHAUSTED,
  invalid: grpc.status.INVALID_ARGUMENT,
  forbidden: grpc.status.PERMISSION_DENIED,
  not_found: grpc.status.NOT_FOUND,
  conflict: grpc.status.ALREADY_EXISTS,
};

export const RETRY_AFTER_METADATA = 'retry-after';

/** Domain failures become their gRPC status (a lockout carries retry-after in the trailers). */
function toServiceError(error: unknown): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  if (error instanceof AuthError) {
    if (error.retryAfterSeconds !== undefined) metadata.set(RETRY_AFTER_METADATA, String(error.retryAfterSeconds));
    return Object.assign(new Error(error.message), { code: STATUS[error.kind], details: error.message, metadata });
  }
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(message), { code: grpc.status.INTERNAL, details: `internal error in the auth service: ${message}`, metadata });
}

function unary<Req, Res>(handler: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handler(call.request, call).then(
      (response) => callback(null, response),
      (error) => callback(toServiceError(error)),
    );
  };
}

function sessionToProto(session: IssuedSession): authV1.LoginResponse {
  return {
    tokens: { accessToken: session.accessToken, expiresIn: session.expiresIn, refreshToken: session.refreshToken, refreshExpiresIn: session.refreshExpiresIn },
    user: userToProto({ user: session.user, store: session.store }),
  };
}

function date(value: string, field: string): Date | undefined {
  if (!value) return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw new AuthError('invalid', `${field} must be an ISO 8601 date`);
  return parsed;
}

export interface AuthHandlers {
  sessions: SessionService;
  users: UserService;
  directory: DirectoryService;
  apiKeys: ApiKeyService;
  audit: AuditService;
}

/** gRPC handlers: each maps the request to one service call and the answer back. */
export function authGrpcBinding({ sessions, users, directory, apiKeys, audit }: AuthHandlers): GrpcBinding {
  const withRequestId = <T extends { context?: authV1.RequestContext }>(request: T, call: { metadata: grpc.Metadata }) => {
    const context = contextFromProto(request.context);
    return { ...context, requestId: context.requestId ?? requestIdOf(call) };
  };
  const implementation: authV1.AuthServiceServer = {
    login: unary(async (request, call) => sessionToProto(await sessions.login(request.email, request.password, withRequestId(request, call)))),
    refresh: unary(async (request, call) => sessionToProto(await sessions.refresh(request.refreshToken, withRequestId(request, call)))),
    logout: unary(async (request, call) => ({ revoked: await sessions.logout(request.refreshToken, withRequestId(request, call)) })),
    changePassword: unary(async (request, call) => {
      await sessions.changePassword(request.currentPassword, request.newPassword, withRequestId(request, call));
      return {};
    }),
    getPrincipal: unary(async (request) => {
      const principal = await users.principal(request.userId);
      return { user: userToProto(principal), storeIds: principal.storeIds, allStores: principal.allStores, tokensValidAfter: principal.user.tokensValidAfter.toISOString() };
    }),
    verifyApiKey: unary(async (request) => ({ apiKey: apiKeyToProto(await apiKeys.verify(request.key)) })),
    createApiKey: unary(async (request, call) => {
      const created = await apiKeys.create({ storeId: request.storeId, name: request.name }, withRequestId(request, call));
      return { apiKey: apiKeyToProto(created.apiKey), key: created.key };
    }),
    listApiKeys: unary(async (request, call) => ({ apiKeys: (await apiKeys.list(request.storeId, withRequestId(request, call))).map(apiKeyToProto) })),
    revokeApiKey: unary(async (request, call) => ({ apiKey: apiKeyToProto(await apiKeys.revoke(request.apiKeyId, withRequestId(request, call))) })),
    createUser: unary(async (request, call) => {
      const role = roleFromProto(request.role);
      if (!role) throw new AuthError('invalid', 'role must be store_manager, regional_coordinator or admin');
      const created = await users.create(
        { email: request.email, role, storeId: request.storeId || undefined, regionId: request.regionId || undefined, password: request.password || undefined },
        withRequestId(request, call),
      );
      return { user: userToProto(created.view), generatedPassword: created.generatedPassword ?? '' };
    }),
    listUsers: unary(async (request, call) => ({ users: (await users.list(withRequestId(request, call))).map(userToProto) })),
    deleteUser: unary(async (request, call) => {
      await users.delete(request.userId, withRequestId(request, call));
      return {};
    }),
    createRegion: unary(async (request, call) => ({ region: regionToProto(await directory.createRegion({ id: request.id, name: request.name }, withRequestId(request, call))) })),
    listRegions: unary(async () => ({ regions: (await directory.listRegions()).map(regionToProto) })),
    createStore: unary(async (request, call) => ({
      store: storeToProto(await directory.createStore({ id: request.id, name: request.name, regionId: request.regionId || undefined }, withRequestId(request, call))),
    })),
    listStores: unary(async (request) => ({ stores: (await directory.listStores(request.storeIds.length ? request.storeIds : undefined)).map(storeToProto) })),
    recordAuditEvent: unary(async (request, call) => {
      const outcome = outcomeFromProto(request.outcome);
      if (!outcome) throw new AuthError('invalid', 'outcome must be success, failure or denied');
      const id = await audit.recordForwarded(withRequestId(request, call), {
        action: request.action,
        outcome,
        targetType: request.targetType || undefined,
        targetId: request.targetId || undefined,
        storeId: request.storeId || undefined,
        reason: request.reason || undefined,
        details: parseAuditDetails(request.detailsJson),
      });
      return { id };
    }),
    listAuditEvents: unary(async (request) => {
      const outcome = request.outcome ? outcomeFromProto(request.outcome) : undefined;
      const filter: AuditFilter = {
        action: request.action || undefined,
        actorId: request.actorId || undefined,
        storeId: request.storeId || undefined,
        requestId: request.requestId || undefined,
        outcome,
        since: date(request.since, 'since'),
        until: date(request.until, 'until'),
        limit: Math.min(Math.max(request.limit || 100, 1), 1000),
        offset: Math.max(request.offset || 0, 0),
      };
      const { records, total } = await audit.list(filter);
      return { events: records.map(auditToProto), total: String(total) };
    }),
  };
  return { definition: authV1.AuthServiceService, implementation };
}
