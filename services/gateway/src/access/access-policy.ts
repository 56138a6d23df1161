/**
 * The declarative access policy of a route. Every controller method declares one with
 * `@Access(...)`; the global AccessGuard enforces it, the route table enumerates it, the
 * authorization matrix test checks it, and OpenAPI publishes it (x-tessera-access).
 */
export const ROLES = ['store_manager', 'regional_coordinator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const ALL_ROLES: Role[] = [...ROLES];

/**
 * Where the store a request touches is named, so the guard can check it is in the caller's
 * scope whatever id they put there:
 * - `query.storeId` / `body.storeId`: checked by the guard before the handler runs;
 * - `multipart.storeId`: the form field, checked when the upload parser reads it (and the
 *   query's storeId, if any, by the guard);
 * - `scope`: the route lists several stores; the handler limits them to the caller's;
 * - `resource`: the store is that of an existing resource (an API key), checked by the
 *   service that owns it;
 * - `none`: the route touches no store's data.
 */
export type StoreSource = 'none' | 'query.storeId' | 'body.storeId' | 'multipart.storeId' | 'scope' | 'resource';

export interface AccessPolicy {
  /** No credentials needed (sign-in, health, metrics). */
  public?: boolean;
  /** Signed-in roles that may call the route. */
  roles: Role[];
  /** API keys with this scope may call the route too (for their own store only). */
  apiKey?: 'ingestion';
  store: StoreSource;
  /**
   * Writes name their audit action and who records it: the gateway (writes forwarded to
   * store-node services) or the auth service (its own writes, inside their transaction).
   * POST routes that store nothing say `readOnly`.
   */
  audit?: { action: string; by: 'gateway' | 'auth' };
  readOnly?: boolean;
}

export interface UserPrincipal {
  kind: 'user';
  id: string;
  email: string;
  role: Role;
  storeId?: string;
  regionId?: string;
  /** The stores the user reaches (manager: one; coordinator: the region's); ignored when allStores. */
  storeIds: string[];
  allStores: boolean;
}

export interface ApiKeyPrincipal {
  kind: 'apiKey';
  id: string;
  prefix: string;
  storeId: string;
  scopes: string[];
}

export type Principal = UserPrincipal | ApiKeyPrincipal;
