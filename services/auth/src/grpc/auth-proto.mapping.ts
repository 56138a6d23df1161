import { authV1 } from '@tessera/proto';
import type { Actor, ActorType, ApiKeyRecord, AuditOutcome, AuditRecord, RegionRecord, RequestContext, Role, StoreRecord } from '../auth.model';
import type { UserView } from '../services/user.service';

const { Role: ProtoRole, ActorType: ProtoActorType, AuditOutcome: ProtoOutcome } = authV1;

const ROLE_TO_PROTO: Record<Role, authV1.Role> = {
  store_manager: ProtoRole.ROLE_STORE_MANAGER,
  regional_coordinator: ProtoRole.ROLE_REGIONAL_COORDINATOR,
  admin: ProtoRole.ROLE_ADMIN,
};
const ACTOR_TO_PROTO: Record<ActorType, authV1.ActorType> = {
  user: ProtoActorType.ACTOR_TYPE_USER,
  api_key: ProtoActorType.ACTOR_TYPE_API_KEY,
  system: ProtoActorType.ACTOR_TYPE_SYSTEM,
  anonymous: ProtoActorType.ACTOR_TYPE_ANONYMOUS,
};
const OUTCOME_TO_PROTO: Record<AuditOutcome, authV1.AuditOutcome> = {
  success: ProtoOutcome.AUDIT_OUTCOME_SUCCESS,
  failure: ProtoOutcome.AUDIT_OUTCOME_FAILURE,
  denied: ProtoOutcome.AUDIT_OUTCOME_DENIED,
};

function invert<K extends string, V extends number>(map: Record<K, V>): Map<V, K> {
  return new Map(Object.entries(map).map(([key, value]) => [value as V, key as K]));
}
const ROLE_FROM_PROTO = invert(ROLE_TO_PROTO);
const ACTOR_FROM_PROTO = invert(ACTOR_TO_PROTO);
const OUTCOME_FROM_PROTO = invert(OUTCOME_TO_PROTO);

export const roleToProto = (role: Role) => ROLE_TO_PROTO[role];
export const roleFromProto = (role: authV1.Role): Role | undefined => ROLE_FROM_PROTO.get(role);
export const outcomeFromProto = (outcome: authV1.AuditOutcome): AuditOutcome | undefined => OUTCOME_FROM_PROTO.get(outcome);

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : '');

export function storeToProto(store: StoreRecord): authV1.Store {
  return { id: store.id, name: store.name, regionId: store.regionId ?? '', createdAt: iso(store.createdAt) };
}

export function regionToProto(region: RegionRecord): authV1.Region {
  return { id: region.id, name: region.name, storeIds: region.storeIds, createdAt: iso(region.createdAt) };
}

export function userToProto({ user, store }: UserView): authV1.User {
  return {
    id: user.id,
    email: user.email,
    role: roleToProto(user.role),
    storeId: user.storeId ?? '',
    regionId: user.regionId ?? '',
    createdAt: iso(user.createdAt),
    store: store ? storeToProto(store) : undefined,
  };
}

export function apiKeyToProto(key: ApiKeyRecord): authV1.ApiKey {
  return {
    id: key.id,
    storeId: key.storeId,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: iso(key.createdAt),
    createdBy: key.createdBy ?? '',
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
  };
}

function actorToProto(actor: Actor): authV1.Actor {
  return { type: ACTOR_TO_PROTO[actor.type], id: actor.id, email: actor.email ?? '', role: actor.role ? roleToProto(actor.role) : ProtoRole.ROLE_UNSPECIFIED, storeId: actor.storeId ?? '' };
}

export function auditToProto(record: AuditRecord): authV1.AuditEvent {
  return {
    id: record.id,
    occurredAt: iso(record.occurredAt),
    actor: actorToProto(record.actor),
    action: record.action,
    targetType: record.targetType ?? '',
    targetId: record.targetId ?? '',
    storeId: record.storeId ?? '',
    outcome: OUTCOME_TO_PROTO[record.outcome],
    reason: record.reason ?? '',
    ip: record.ip ?? '',
    userAgent: record.userAgent ?? '',
    requestId: record.requestId ?? '',
    detailsJson: JSON.stringify(record.details ?? {}),
  };
}

/** The caller as the gateway described it; a missing actor is anonymous. */
export function contextFromProto(context: authV1.RequestContext | undefined): RequestContext {
  const actor = context?.actor;
  const type = actor ? ACTOR_FROM_PROTO.get(actor.type) : undefined;
  return {
    actor: type
      ? { type, id: actor!.id, email: actor!.email || undefined, role: roleFromProto(actor!.role), storeId: actor!.storeId || undefined }
      : { type: 'anonymous', id: '' },
    ip: context?.ip || undefined,
    userAgent: context?.userAgent || undefined,
    requestId: context?.requestId || undefined,
  };
}
