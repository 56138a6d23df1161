import { authV1 } from '@tessera/proto';
import { roleFromProto } from '../access/request-principal';

const orNull = (value: string) => value || null;

export function storeJson(store: authV1.Store) {
  return { id: store.id, name: store.name, regionId: orNull(store.regionId), createdAt: store.createdAt };
}

export function regionJson(region: authV1.Region) {
  return { id: region.id, name: region.name, storeIds: region.storeIds, createdAt: region.createdAt };
}

export function userJson(user: authV1.User) {
  return {
    id: user.id,
    email: user.email,
    role: roleFromProto(user.role) ?? 'unknown',
    storeId: orNull(user.storeId),
    regionId: orNull(user.regionId),
    store: user.store ? storeJson(user.store) : null,
    createdAt: user.createdAt,
  };
}

/** The seed API's login answer (token, user with role and store) plus the refresh token. */
export function sessionJson(response: authV1.LoginResponse) {
  const tokens = response.tokens!;
  return {
    token: tokens.accessToken,
    tokenType: 'Bearer',
    expiresIn: tokens.expiresIn,
    refreshToken: tokens.refreshToken,
    refreshExpiresIn: tokens.refreshExpiresIn,
    user: userJson(response.user!),
  };
}

export function apiKeyJson(key: authV1.ApiKey) {
  return {
    id: key.id,
    storeId: key.storeId,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.createdAt,
    createdBy: orNull(key.createdBy),
    lastUsedAt: orNull(key.lastUsedAt),
    revokedAt: orNull(key.revokedAt),
  };
}

const ACTOR_TYPE: Record<number, string> = {
  [authV1.ActorType.ACTOR_TYPE_USER]: 'user',
  [authV1.ActorType.ACTOR_TYPE_API_KEY]: 'api_key',
  [authV1.ActorType.ACTOR_TYPE_SYSTEM]: 'system',
  [authV1.ActorType.ACTOR_TYPE_ANONYMOUS]: 'anonymous',
};
export const OUTCOME_NAMES: Record<number, 'success' | 'failure' | 'denied'> = {
  [authV1.AuditOutcome.AUDIT_OUTCOME_SUCCESS]: 'success',
  [authV1.AuditOutcome.AUDIT_OUTCOME_FAILURE]: 'failure',
  [authV1.AuditOutcome.AUDIT_OUTCOME_DENIED]: 'denied',
};

export function auditJson(event: authV1.AuditEvent) {
  const actor = event.actor!;
  let details: unknown = {};
  try {
    details = JSON.parse(event.detailsJson || '{}');
  } catch {
    details = {};
  }
  return {
    id: event.id,
    occurredAt: event.occurredAt,
    actor: { type: ACTOR_TYPE[actor.type] ?? 'unknown', id: orNull(actor.id), email: orNull(actor.email), role: roleFromProto(actor.role) ?? null, storeId: orNull(actor.storeId) },
    action: event.action,
    outcome: OUTCOME_NAMES[event.outcome] ?? 'unknown',
    targetType: orNull(event.targetType),
    targetId: orNull(event.targetId),
    storeId: orNull(event.storeId),
    reason: orNull(event.reason),
    ip: orNull(event.ip),
    userAgent: orNull(event.userAgent),
    requestId: orNull(event.requestId),
    details,
  };
}
