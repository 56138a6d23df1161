import { ForbiddenException } from '@nestjs/common';
import type { Request } from 'express';
import { authV1 } from '@tessera/proto';
import { requestIdOf } from '../http/request-id';
import type { Principal, Role } from './access-policy';
import { outOfScopeMessage, storeInScope } from './access-policy.util';

/** What the guard leaves on the request for handlers and interceptors. */
export interface AccessState {
  principal?: Principal;
  /** The store the request was authorized for, once known (query, body or form field). */
  storeId?: string;
  /** The store a refused request named, for the audit row. */
  attemptedStoreId?: string;
}

type RequestWithAccess = Request & { access?: AccessState };

export function accessOf(request: Request): AccessState {
  const withAccess = request as RequestWithAccess;
  withAccess.access ??= {};
  return withAccess.access;
}

export function principalOf(request: Request): Principal | undefined {
  return accessOf(request).principal;
}

/**
 * For stores named where the guard cannot see them (a multipart form field): throws 403
 * unless the caller may reach the store, and records it as the request's store.
 */
export function authorizeStore(request: Request, storeId: string): void {
  const access = accessOf(request);
  const principal = access.principal;
  if (!principal) throw new ForbiddenException('this request has no authenticated caller');
  if (!storeInScope(principal, storeId)) {
    access.attemptedStoreId = storeId;
    throw new ForbiddenException(outOfScopeMessage(principal, storeId));
  }
  access.storeId = storeId;
}

/** The stores a listing may show: undefined means every store. */
export function visibleStores(request: Request): string[] | undefined {
  const principal = principalOf(request);
  if (!principal) return [];
  if (principal.kind === 'apiKey') return [principal.storeId];
  return principal.allStores ? undefined : principal.storeIds;
}

const ROLE_TO_PROTO: Record<Role, authV1.Role> = {
  store_manager: authV1.Role.ROLE_STORE_MANAGER,
  regional_coordinator: authV1.Role.ROLE_REGIONAL_COORDINATOR,
  admin: authV1.Role.ROLE_ADMIN,
};

export function roleToProto(role: Role): authV1.Role {
  return ROLE_TO_PROTO[role];
}

export function roleFromProto(role: authV1.Role): Role | undefined {
  return (Object.entries(ROLE_TO_PROTO).find(([, value]) => value === role)?.[0] as Role | undefined) ?? undefined;
}

/** Who, from where, under which request id: sent with every write to the auth service. */
export function requestContext(request: Request): authV1.RequestContext {
  const principal = principalOf(request);
  let actor: authV1.Actor;
  if (!principal) actor = { type: authV1.ActorType.ACTOR_TYPE_ANONYMOUS, id: '', email: '', role: authV1.Role.ROLE_UNSPECIFIED, storeId: '' };
  else if (principal.kind === 'apiKey') actor = { type: authV1.ActorType.ACTOR_TYPE_API_KEY, id: principal.id, email: '', role: authV1.Role.ROLE_UNSPECIFIED, storeId: principal.storeId };
  else actor = { type: authV1.ActorType.ACTOR_TYPE_USER, id: principal.id, email: principal.email, role: roleToProto(principal.role), storeId: principal.storeId ?? '' };
  return { actor, ip: request.ip ?? request.socket.remoteAddress ?? '', userAgent: String(request.headers['user-agent'] ?? '').slice(0, 256), requestId: requestIdOf(request) ?? '' };
}
