import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { ingestionV1 } from '@tessera/proto';
import type { Logger } from '@tessera/common';
import { LOGGER } from '@tessera/nest-core';
import { INGESTION_CLIENT } from '../../clients/ingestion.client';
import { Downstream } from '../../clients/downstream';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../../gateway.options';
import { ROLES, type ApiKeyPrincipal, type Role, type UserPrincipal } from '../../access/access-policy';
import { PrincipalService, type AccessClaims, type TokenContext } from '../../access/principal.service';
import { TtlCache } from '../../access/ttl-cache';
import { HUB_LINK, HubUnreachableError, type HubLink } from './hub-link';

export const NODE_STORE_IDS = Symbol('NODE_STORE_IDS');

/** How many signed-in users a node remembers for a hub outage. */
const LAST_KNOWN_MAX = 10_000;
/** After the hub failed to answer, how long requests skip asking it (so an outage does not add HUB_TIMEOUT_MS to each). */
const HUB_RETRY_AFTER_MS = 5_000;

/** The hub's GET /api/auth/me answer. */
interface MeAnswer {
  user?: { id?: unknown; email?: unknown; role?: unknown; storeId?: unknown; regionId?: unknown };
  storeIds?: unknown;
  allStores?: unknown;
}

const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

export function principalFromMe(body: MeAnswer): UserPrincipal | undefined {
  const user = body.user;
  if (!user || typeof user.id !== 'string' || !isRole(user.role)) return undefined;
  return {
    kind: 'user',
    id: user.id,
    email: text(user.email) ?? '',
    role: user.role,
    storeId: text(user.storeId),
    regionId: text(user.regionId),
    storeIds: Array.isArray(body.storeIds) ? body.storeIds.filter((id): id is string => typeof id === 'string') : [],
    allStores: body.allStores === true,
  };
}

/** What a verified token says by itself (the auth service signs sub, email, role, storeId). */
export function principalFromClaims(claims: AccessClaims): UserPrincipal {
  if (!isRole(claims.role)) throw new UnauthorizedException('access token names no known role; sign in again');
  const storeId = text(claims.storeId);
  return {
    kind: 'user',
    id: claims.sub,
    email: text(claims.email) ?? '',
    role: claims.role,
    storeId,
    // A coordinator's region is not in the token: without the hub they reach nothing here.
    storeIds: claims.role === 'store_manager' && storeId ? [storeId] : [],
    allStores: claims.role === 'admin',
  };
}

/**
 * A user's reach, limited to the stores this node serves (NODE_STORE_IDS): a manager of
 * another store, or anyone who reaches none of them, is refused with 403.
 */
export function limitToNode<P extends UserPrincipal | ApiKeyPrincipal>(principal: P, nodeStores: string[]): P {
  const served = nodeStores.join(', ');
  if (principal.kind === 'apiKey') {
    if (!nodeStores.includes(principal.storeId)) throw new ForbiddenException(`this node serves store ${served}; the API key is for store ${principal.storeId}`);
    return principal;
  }
  if (principal.role === 'store_manager') {
    if (!principal.storeId || !nodeStores.includes(principal.storeId)) throw new ForbiddenException(`this node serves store ${served}; you manage ${principal.storeId ? `store ${principal.storeId}` : 'no store'}`);
    return { ...principal, storeIds: [principal.storeId], allStores: false };
  }
  const reach = principal.allStores ? nodeStores : principal.storeIds.filter((id) => nodeStores.includes(id));
  if (reach.length === 0) throw new ForbiddenException(`this node serves store ${served}, none of which you reach`);
  return { ...principal, storeIds: reach, allStores: false };
}

/**
 * Principals on a store-node gateway. A verified token's user comes from the hub
 * (GET /api/auth/me with the caller's own token; cached PRINCIPAL_CACHE_TTL_MS), so a
 * deleted user or a changed password is refused as on the hub. When the hub is unreachable
 * the store is not locked out: the last principal the hub gave for that user, or else the
 * verified token's own claims (sub, email, role, storeId), within the token's lifetime.
 * API keys are the node's own, verified by its ingestion service, with no hub involved.
 */
@Injectable()
export class NodePrincipalService extends PrincipalService {
  private readonly fresh: TtlCache<UserPrincipal>;
  private readonly apiKeys: TtlCache<ApiKeyPrincipal>;
  private readonly lastKnown = new Map<string, UserPrincipal>();
  private lastOutageLog = 0;
  private hubDownUntil = 0;

  constructor(
    @Inject(HUB_LINK) private readonly hub: HubLink,
    @Inject(NODE_STORE_IDS) private readonly nodeStores: string[],
    @Inject(INGESTION_CLIENT) private readonly ingestion: ingestionV1.IngestionServiceClient,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly downstream: Downstream,
  ) {
    super();
    this.fresh = new TtlCache(options.principalCacheTtlMs);
    this.apiKeys = new TtlCache(options.principalCacheTtlMs);
  }

  async forAccessToken(claims: AccessClaims, context: TokenContext): Promise<UserPrincipal> {
    const tokenHash = createHash('sha256').update(context.token).digest('hex');
    const principal = await this.fresh.get(tokenHash, () => this.askHub(claims, context));
    return limitToNode(principal, this.nodeStores);
  }

  async forApiKey(key: string, requestId?: string): Promise<ApiKeyPrincipal> {
    const cacheKey = createHash('sha256').update(key).digest('hex');
    const principal = await this.apiKeys.get(cacheKey, async () => {
      const { apiKey } = await this.downstream.unary('ingestion', this.ingestion.verifyApiKey.bind(this.ingestion), { key }, requestId, 5000);
      if (!apiKey) throw new UnauthorizedException('unknown or revoked API key');
      return { kind: 'apiKey', id: apiKey.id, prefix: apiKey.prefix, storeId: apiKey.storeId, scopes: apiKey.scopes };
    });
    return limitToNode(principal, this.nodeStores);
  }

  forgetUser(userId: string): void {
    this.lastKnown.delete(userId);
  }

  /** What the node would answer for this user without the hub (GET /api/auth/me during an outage). */
  offlinePrincipal(claims: AccessClaims): UserPrincipal {
    return this.lastKnown.get(claims.sub) ?? principalFromClaims(claims);
  }

  private async askHub(claims: AccessClaims, context: TokenContext): Promise<UserPrincipal> {
    if (Date.now() < this.hubDownUntil) return this.offlinePrincipal(claims);
    let answer;
    try {
      answer = await this.hub.request({ method: 'GET', path: '/api/auth/me', token: context.token, requestId: context.requestId });
    } catch (error) {
      if (!(error instanceof HubUnreachableError)) throw error;
      this.hubDownUntil = Date.now() + HUB_RETRY_AFTER_MS;
      return this.offline(claims, error.message);
    }
    if (answer.status === 200) {
      const principal = principalFromMe(answer.body as MeAnswer);
      if (!principal || principal.id !== claims.sub) throw new UnauthorizedException('the hub gave no usable principal for this token; sign in again');
      if (this.lastKnown.size >= LAST_KNOWN_MAX && !this.lastKnown.has(principal.id)) this.lastKnown.delete(this.lastKnown.keys().next().value!);
      this.lastKnown.set(principal.id, principal);
      return principal;
    }
    if (answer.status === 401) {
      this.lastKnown.delete(claims.sub);
      const message = (answer.body as { message?: unknown } | undefined)?.message;
      throw new UnauthorizedException(typeof message === 'string' ? message : 'the hub refused this access token; sign in again');
    }
    // The hub is up but cannot answer (5xx, rate limited): as good as unreachable for this request.
    if (answer.status >= 500) this.hubDownUntil = Date.now() + HUB_RETRY_AFTER_MS;
    return this.offline(claims, `the hub answered ${answer.status}`);
  }

  private offline(claims: AccessClaims, why: string): UserPrincipal {
    if (Date.now() - this.lastOutageLog > 10_000) {
      this.lastOutageLog = Date.now();
      this.logger.warn({ err: why, hub: this.hub.url }, 'the hub is unreachable: signed-in users are served from what this node last knew, or their verified token');
    }
    return this.offlinePrincipal(claims);
  }
}
