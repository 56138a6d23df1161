import { HttpException, HttpStatus, Inject, Injectable, Optional, UnauthorizedException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { authV1, type ingestionV1 } from '@tessera/proto';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { Downstream } from '../clients/downstream';
import { INGESTION_CLIENT } from '../clients/ingestion.client';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import type { ApiKeyPrincipal, UserPrincipal } from './access-policy';
import { roleFromProto } from './request-principal';
import { TtlCache } from './ttl-cache';

/** The claims the gateway relies on (the auth service signs sub, email, role, storeId, iat, exp). */
export interface AccessClaims {
  sub: string;
  iat: number;
  exp?: number;
  email?: unknown;
  role?: unknown;
  storeId?: unknown;
}

/** What the strategy passes along with verified claims: the request id, and the raw token (a store node asks the hub about it). */
export interface TokenContext {
  requestId?: string;
  token: string;
}

/**
 * Who a verified token or an API key belongs to. One implementation per role: the hub (and
 * the all-in-one process) asks its auth service; a store-node gateway asks the hub, and
 * falls back to what it last knew when the hub is unreachable (roles/hub-link).
 */
export abstract class PrincipalService {
  abstract forAccessToken(claims: AccessClaims, context: TokenContext): Promise<UserPrincipal>;
  abstract forApiKey(key: string, requestId?: string): Promise<ApiKeyPrincipal>;
  /** Forgets what was cached about a user (after they sign out or change password here). */
  abstract forgetUser(userId: string): void;
}

type UserLookup = { found: true; principal: UserPrincipal; tokensValidAfterSeconds: number } | { found: false };

/**
 * Who a verified token or an API key belongs to now, asked of the auth service (users) or the
 * store node's ingestion service (API keys) and cached
 * briefly (PRINCIPAL_CACHE_TTL_MS): a deleted user's still-unexpired token, or a revoked
 * key, stops working within that time. Scope (a coordinator's stores) comes from here too,
 * never from the token, so moving a store between regions takes effect without new tokens.
 */
@Injectable()
export class AuthPrincipalService extends PrincipalService {
  private readonly users: TtlCache<UserLookup>;
  private readonly apiKeys: TtlCache<ApiKeyPrincipal>;

  constructor(
    @Inject(AUTH_CLIENT) private readonly auth: AuthClient,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    private readonly downstream: Downstream,
    // Absent on the hub: API keys are a store node's own (the all-in-one process has both).
    @Optional() @Inject(INGESTION_CLIENT) private readonly ingestion?: ingestionV1.IngestionServiceClient,
  ) {
    super();
    this.users = new TtlCache(options.principalCacheTtlMs);
    this.apiKeys = new TtlCache(options.principalCacheTtlMs);
  }

  async forAccessToken(claims: AccessClaims, { requestId }: TokenContext): Promise<UserPrincipal> {
    const lookup = await this.users.get(claims.sub, () => this.lookupUser(claims.sub, requestId));
    if (!lookup.found) throw new UnauthorizedException('this account no longer exists; sign in with another account');
    if (claims.iat < lookup.tokensValidAfterSeconds) throw new UnauthorizedException('this access token was issued before the password was changed; sign in again');
    return lookup.principal;
  }

  /** Store API keys are verified by the store node's ingestion service, which keeps them (not the hub's auth service). */
  async forApiKey(key: string, requestId?: string): Promise<ApiKeyPrincipal> {
    const cacheKey = createHash('sha256').update(key).digest('hex');
    const ingestion = this.ingestion;
    if (!ingestion) throw new UnauthorizedException("API keys are kept by each store node: send them to the store's own gateway, not the hub");
    return this.apiKeys.get(cacheKey, async () => {
      const { apiKey } = await this.downstream.unary('ingestion', ingestion.verifyApiKey.bind(ingestion), { key }, requestId, 5000);
      return { kind: 'apiKey', id: apiKey!.id, prefix: apiKey!.prefix, storeId: apiKey!.storeId, scopes: apiKey!.scopes };
    });
  }

  forgetUser(userId: string): void {
    this.users.delete(userId);
  }

  private async lookupUser(userId: string, requestId?: string): Promise<UserLookup> {
    try {
      const response = await this.auth.call((c) => c.getPrincipal, { userId }, requestId);
      return { found: true, principal: principalFromProto(response), tokensValidAfterSeconds: Math.floor(new Date(response.tokensValidAfter).getTime() / 1000) };
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() === HttpStatus.NOT_FOUND) return { found: false };
      throw error;
    }
  }
}

export function principalFromProto(response: authV1.GetPrincipalResponse): UserPrincipal {
  const user = response.user!;
  const role = roleFromProto(user.role);
  if (!role) throw new UnauthorizedException('this account has no role');
  return {
    kind: 'user',
    id: user.id,
    email: user.email,
    role,
    storeId: user.storeId || undefined,
    regionId: user.regionId || undefined,
    storeIds: response.storeIds,
    allStores: response.allStores,
  };
}
