import * as grpc from '@grpc/grpc-js';
import { Catch, Controller, UseFilters, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import { GrpcError, requestIdOf, toServiceError } from '@tessera/common';
import { authV1 } from '@tessera/proto';
import { AuthError, type AuditFilter } from '../auth.model';
import { SessionService, type IssuedSession } from '../services/session.service';
import { UserService } from '../services/user.service';
import { DirectoryService } from '../services/directory.service';
import { ApiKeyService } from '../services/api-key.service';
import { AuditService } from '../audit/audit.service';
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
export function authGrpcError(error: unknown): GrpcError {
  if (error instanceof GrpcError) return error;
  if (error instanceof AuthError) return new GrpcError(STATUS[error.kind], error.message, error.retryAfterSeconds !== undefined ? { [RETRY_AFTER_METADATA]: String(error.retryAfterSeconds) } : {});
  const message = error instanceof Error ? error.message : String(error);
  return new GrpcError(grpc.status.INTERNAL, `internal error in the auth service: ${message}`);
}

/** Every failure of an auth handler answers with its domain status, through the one toServiceError. */
@Catch()
export class AuthErrorFilter implements RpcExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => toServiceError(authGrpcError(exception)));
  }
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

type WithContext = { context?: authV1.RequestContext };

/** gRPC handlers of AuthService: each maps the request to one service call and the answer back. */
@Controller()
@UseFilters(AuthErrorFilter)
export class AuthGrpcController {
  constructor(
    private readonly sessions: SessionService,
    private readonly users: UserService,
    private readonly directory: DirectoryService,
    private readonly apiKeys: ApiKeyService,
    private readonly audit: AuditService,
  ) {}

  @GrpcMethod('AuthService', 'Login')
  async login(request: authV1.LoginRequest, metadata: grpc.Metadata): Promise<authV1.LoginResponse> {
    return sessionToProto(await this.sessions.login(request.email, request.password, withRequestId(request, metadata)));
  }

  @GrpcMethod('AuthService', 'Refresh')
  async refresh(request: authV1.RefreshRequest, metadata: grpc.Metadata): Promise<authV1.RefreshResponse> {
    return sessionToProto(await this.sessions.refresh(request.refreshToken, withRequestId(request, metadata)));
  }

  @GrpcMethod('AuthService', 'Logout')
  async logout(request: authV1.LogoutRequest, metadata: grpc.Metadata): Promise<authV1.LogoutResponse> {
    return { revoked: await this.sessions.logout(request.refreshToken, withRequestId(request, metadata)) };
  }

  @GrpcMethod('AuthService', 'ChangePassword')
  async changePassword(request: authV1.ChangePasswordRequest, metadata: grpc.Metadata): Promise<authV1.ChangePasswordResponse> {
    await this.sessions.changePassword(request.currentPassword, request.newPassword, withRequestId(request, metadata));
    return {};
  }

  @GrpcMethod('AuthService', 'GetPrincipal')
  async getPrincipal(request: authV1.GetPrincipalRequest): Promise<authV1.GetPrincipalResponse> {
    const principal = await this.users.principal(request.userId);
    return { user: userToProto(principal), storeIds: principal.storeIds, allStores: principal.allStores, tokensValidAfter: principal.user.tokensValidAfter.toISOString() };
  }

  @GrpcMethod('AuthService', 'VerifyApiKey')
  async verifyApiKey(request: authV1.VerifyApiKeyRequest): Promise<authV1.VerifyApiKeyResponse> {
    return { apiKey: apiKeyToProto(await this.apiKeys.verify(request.key)) };
  }

  @GrpcMethod('AuthService', 'CreateApiKey')
  async createApiKey(request: authV1.CreateApiKeyRequest, metadata: grpc.Metadata): Promise<authV1.CreateApiKeyResponse> {
    const created = await this.apiKeys.create({ storeId: request.storeId, name: request.name }, withRequestId(request, metadata));
    return { apiKey: apiKeyToProto(created.apiKey), key: created.key };
  }

  @GrpcMethod('AuthService', 'ListApiKeys')
  async listApiKeys(request: authV1.ListApiKeysRequest, metadata: grpc.Metadata): Promise<authV1.ListApiKeysResponse> {
    return { apiKeys: (await this.apiKeys.list(request.storeId, withRequestId(request, metadata))).map(apiKeyToProto) };
  }

  @GrpcMethod('AuthService', 'RevokeApiKey')
  async revokeApiKey(request: authV1.RevokeApiKeyRequest, metadata: grpc.Metadata): Promise<authV1.RevokeApiKeyResponse> {
    return { apiKey: apiKeyToProto(await this.apiKeys.revoke(request.apiKeyId, withRequestId(request, metadata))) };
  }

  @GrpcMethod('AuthService', 'CreateUser')
  async createUser(request: authV1.CreateUserRequest, metadata: grpc.Metadata): Promise<authV1.CreateUserResponse> {
    const role = roleFromProto(request.role);
    if (!role) throw new AuthError('invalid', 'role must be store_manager, regional_coordinator or admin');
    const created = await this.users.create(
      { email: request.email, role, storeId: request.storeId || undefined, regionId: request.regionId || undefined, password: request.password || undefined },
      withRequestId(request, metadata),
    );
    return { user: userToProto(created.view), generatedPassword: created.generatedPassword ?? '' };
  }

  @GrpcMethod('AuthService', 'ListUsers')
  async listUsers(request: authV1.ListUsersRequest, metadata: grpc.Metadata): Promise<authV1.ListUsersResponse> {
    return { users: (await this.users.list(withRequestId(request, metadata))).map(userToProto) };
  }

  @GrpcMethod('AuthService', 'DeleteUser')
  async deleteUser(request: authV1.DeleteUserRequest, metadata: grpc.Metadata): Promise<authV1.DeleteUserResponse> {
    await this.users.delete(request.userId, withRequestId(request, metadata));
    return {};
  }

  @GrpcMethod('AuthService', 'CreateRegion')
  async createRegion(request: authV1.CreateRegionRequest, metadata: grpc.Metadata): Promise<authV1.CreateRegionResponse> {
    return { region: regionToProto(await this.directory.createRegion({ id: request.id, name: request.name }, withRequestId(request, metadata))) };
  }

  @GrpcMethod('AuthService', 'ListRegions')
  async listRegions(): Promise<authV1.ListRegionsResponse> {
    return { regions: (await this.directory.listRegions()).map(regionToProto) };
  }

  @GrpcMethod('AuthService', 'CreateStore')
  async createStore(request: authV1.CreateStoreRequest, metadata: grpc.Metadata): Promise<authV1.CreateStoreResponse> {
    return { store: storeToProto(await this.directory.createStore({ id: request.id, name: request.name, regionId: request.regionId || undefined }, withRequestId(request, metadata))) };
  }

  @GrpcMethod('AuthService', 'ListStores')
  async listStores(request: authV1.ListStoresRequest): Promise<authV1.ListStoresResponse> {
    return { stores: (await this.directory.listStores(request.storeIds.length ? request.storeIds : undefined)).map(storeToProto) };
  }

  @GrpcMethod('AuthService', 'RecordAuditEvent')
  async recordAuditEvent(request: authV1.RecordAuditEventRequest, metadata: grpc.Metadata): Promise<authV1.RecordAuditEventResponse> {
    const outcome = outcomeFromProto(request.outcome);
    if (!outcome) throw new AuthError('invalid', 'outcome must be success, failure or denied');
    const id = await this.audit.recordForwarded(withRequestId(request, metadata), {
      action: request.action,
      outcome,
      targetType: request.targetType || undefined,
      targetId: request.targetId || undefined,
      storeId: request.storeId || undefined,
      reason: request.reason || undefined,
      details: parseAuditDetails(request.detailsJson),
    });
    return { id };
  }

  @GrpcMethod('AuthService', 'ListAuditEvents')
  async listAuditEvents(request: authV1.ListAuditEventsRequest): Promise<authV1.ListAuditEventsResponse> {
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
    const { records, total } = await this.audit.list(filter);
    return { events: records.map(auditToProto), total: String(total) };
  }
}

/** The caller's context, with the request id from the metadata when the message has none. */
function withRequestId(request: WithContext, metadata: grpc.Metadata) {
  const context = contextFromProto(request.context);
  return { ...context, requestId: context.requestId ?? requestIdOf({ metadata }) };
}
