/** The auth service's domain types: what repositories return and services work with. */

export const ROLES = ['store_manager', 'regional_coordinator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  storeId: string | null;
  regionId: string | null;
  passwordHash: string;
  createdAt: Date;
  deletedAt: Date | null;
  tokensValidAfter: Date;
}

export interface StoreRecord {
  id: string;
  name: string;
  regionId: string | null;
  createdAt: Date;
}

export interface RegionRecord {
  id: string;
  name: string;
  storeIds: string[];
  createdAt: Date;
}

export const API_KEY_SCOPES = ['ingestion'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKeyRecord {
  id: string;
  storeId: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export type ActorType = 'user' | 'api_key' | 'system' | 'anonymous';

/** Who is acting, as the gateway (or the operator's CLI) established it. */
export interface Actor {
  type: ActorType;
  id: string;
  email?: string;
  role?: Role;
  storeId?: string;
}

export interface RequestContext {
  actor: Actor;
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

export const SYSTEM_CONTEXT: RequestContext = { actor: { type: 'system', id: 'tessera-cli' } };

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  action: string;
  outcome: AuditOutcome;
  targetType?: string;
  targetId?: string;
  storeId?: string;
  reason?: string;
  /** Non-secret facts only (counts, roles, ids). */
  details?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  occurredAt: Date;
  actor: Actor;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditFilter {
  action?: string;
  actorId?: string;
  storeId?: string;
  requestId?: string;
  outcome?: AuditOutcome;
  since?: Date;
  until?: Date;
  limit: number;
  offset: number;
}

/** A failure the caller can act on; mapped to a gRPC status at the edge. */
export class AuthError extends Error {
  constructor(
    readonly kind: 'unauthenticated' | 'locked' | 'invalid' | 'forbidden' | 'not_found' | 'conflict',
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
