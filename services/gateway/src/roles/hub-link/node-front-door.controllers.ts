import { Body, Controller, ForbiddenException, Get, HttpCode, Inject, Param, Post, Query, Res, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Access } from '../../access/access.decorator';
import { ALL_ROLES, type UserPrincipal } from '../../access/access-policy';
import { PrincipalService } from '../../access/principal.service';
import { principalOf } from '../../access/request-principal';
import { ChangePasswordBody, LoginBody, RefreshBody } from '../../auth/auth.dto';
import { GlobalPatternsQuery, RoundParams } from '../../federation/federation.dto';
import { PageQuery } from '../../http/paging';
import { ConsortiumForecastsQuery } from '../../insights/insights.dto';
import { requestIdOf } from '../../http/request-id';
import { HUB_LINK, HubUnreachableError, type HubLink, type HubRequest } from './hub-link';
import { NODE_STORE_IDS } from './node-principal.service';

const EVERYONE = ['store_manager', 'regional_coordinator', 'admin'] as const;

/** What a request to the hub carries on the caller's behalf: their token, request id, address and agent; the path as the caller sent it. */
export type Forward = Omit<HubRequest, 'method' | 'json'> & { principal?: UserPrincipal };

export const HubForward = createParamDecorator((_data: unknown, context: ExecutionContext): Forward => {
  const request = context.switchToHttp().getRequest<Request>();
  const token = /^Bearer\s+(\S+)$/i.exec(request.header('authorization') ?? '')?.[1];
  const principal = principalOf(request);
  return {
    path: request.originalUrl,
    token,
    requestId: requestIdOf(request),
    forwardedFor: request.ip ?? request.socket.remoteAddress,
    userAgent: String(request.header('user-agent') ?? '').slice(0, 256),
    principal: principal?.kind === 'user' ? principal : undefined,
  };
});

function sessionUserStore(session: unknown): { role?: unknown; storeId?: unknown } | undefined {
  return (session as { user?: { role?: unknown; storeId?: unknown } } | undefined)?.user;
}

/**
 * A store node's sign-in: the same routes as the hub's, relayed to the hub gateway over
 * HUB_URL (the hub's auth service holds the accounts and records these in its audit log).
 * A store manager of a store this node does not serve is refused here (403) and gets no
 * token from it. `me` answers from what the node knows when the hub is unreachable.
 */
@ApiTags('auth')
@Controller('api/auth')
export class NodeAuthController {
  constructor(
    @Inject(HUB_LINK) private readonly hub: HubLink,
    @Inject(NODE_STORE_IDS) private readonly nodeStores: string[],
    private readonly principals: PrincipalService,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Access({ public: true, roles: [], store: 'none', audit: { action: 'session.login', by: 'auth' } })
  @ApiOperation({ summary: "Sign in through this store node (relayed to the hub): an access token (JWT, 15 min), a single-use refresh token, and the user with role and store. A manager of a store this node does not serve is refused (403)" })
  async login(@Body() body: LoginBody, @HubForward() forward: Forward) {
    const session = await this.hub.relay({ ...forward, token: undefined, method: 'POST', path: '/api/auth/login', json: { email: body.email, password: body.password } });
    this.refuseOtherStores(session);
    return session;
  }

  @Post('refresh')
  @HttpCode(200)
  @Access({ public: true, roles: [], store: 'none', audit: { action: 'session.refresh', by: 'auth' } })
  @ApiOperation({ summary: 'New tokens for a refresh token, which is spent (relayed to the hub). Presenting a spent refresh token again ends every session of that sign-in' })
  async refresh(@Body() body: RefreshBody, @HubForward() forward: Forward) {
    const session = await this.hub.relay({ ...forward, token: undefined, method: 'POST', path: '/api/auth/refresh', json: { refreshToken: body.refreshToken } });
    this.refuseOtherStores(session);
    return session;
  }

  @Post('logout')
  @HttpCode(200)
  @Access({ roles: ALL_ROLES, store: 'none', audit: { action: 'session.logout', by: 'auth' } })
  @ApiOperation({ summary: 'End the session the refresh token belongs to (relayed to the hub; the access token expires on its own within minutes)' })
  logout(@Body() body: RefreshBody, @HubForward() forward: Forward) {
    return this.hub.relay({ ...forward, method: 'POST', path: '/api/auth/logout', json: { refreshToken: body.refreshToken } });
  }

  @Get('me')
  @Access({ roles: ALL_ROLES, store: 'none' })
  @ApiOperation({ summary: 'The signed-in user, their role and the stores they reach on this node (from the hub; from what this node last knew while the hub is unreachable, with offline: true)' })
  async me(@HubForward() forward: Forward) {
    try {
      const answer = await this.hub.request({ ...forward, method: 'GET', path: '/api/auth/me' });
      if (answer.status === 200) return answer.body;
    } catch (error) {
      if (!(error instanceof HubUnreachableError)) throw error;
    }
    // The guard already established who is calling (from what this node last knew, limited to its stores).
    const principal = forward.principal!;
    return {
      user: { id: principal.id, email: principal.email, role: principal.role, storeId: principal.storeId ?? null, regionId: principal.regionId ?? null },
      storeIds: principal.storeIds,
      allStores: false,
      offline: true,
    };
  }

  @Post('password')
  @HttpCode(200)
  @Access({ roles: ALL_ROLES, store: 'none', audit: { action: 'user.change_password', by: 'auth' } })
  @ApiOperation({ summary: "Change the signed-in user's password (relayed to the hub); ends every session of the account" })
  async changePassword(@Body() body: ChangePasswordBody, @HubForward() forward: Forward) {
    const answer = await this.hub.relay({ ...forward, method: 'POST', path: '/api/auth/password', json: { currentPassword: body.currentPassword, newPassword: body.newPassword } });
    if (forward.principal) this.principals.forgetUser(forward.principal.id);
    return answer;
  }

  private refuseOtherStores(session: unknown): void {
    const user = sessionUserStore(session);
    if (user?.role === 'store_manager' && !(typeof user.storeId === 'string' && this.nodeStores.includes(user.storeId))) {
      throw new ForbiddenException(`this node serves store ${this.nodeStores.join(', ')}; sign in through your own store's node`);
    }
  }
}

/** Rounds and global patterns, read from the hub (aggregates only: noisy, over stores), for this node's users. */
@ApiTags('federation')
@Controller('api/federated')
export class HubGlobalPatternsController {
  constructor(@Inject(HUB_LINK) private readonly hub: HubLink) {}

  @Get('rounds')
  @Access({ roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'none' })
  @ApiOperation({ summary: 'Rounds, newest first, with participants and status; fetched from the hub' })
  rounds(@Query() _query: PageQuery, @HubForward() forward: Forward) {
    return this.hub.relay({ ...forward, method: 'GET' });
  }

  @Get('rounds/events')
  @Access({ roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'none' })
  @ApiOperation({ summary: "Round progress as server-sent events (text/event-stream), relayed from the hub's feed" })
  @ApiProduces('text/event-stream')
  async roundEvents(@Res() response: Response, @HubForward() forward: Forward) {
    let upstream;
    try {
      upstream = await this.hub.open(forward);
    } catch (error) {
      if (!(error instanceof HubUnreachableError)) throw error;
      response.status(503).setHeader('Retry-After', '10');
      response.json({ statusCode: 503, error: 'Service Unavailable', message: `${error.message}; round events resume when it is back` });
      return;
    }
    response.status(upstream.statusCode ?? 502);
    for (const header of ['content-type', 'cache-control']) if (upstream.headers[header]) response.setHeader(header, upstream.headers[header]);
    response.flushHeaders();
    upstream.pipe(response);
    upstream.on('error', () => response.end());
    response.on('close', () => upstream.destroy());
  }

  @Get('rounds/:id')
  @Access({ roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'none' })
  @ApiOperation({ summary: 'One round: status, participants, noise scale, failure reason; fetched from the hub' })
  round(@Param() _params: RoundParams, @HubForward() forward: Forward) {
    return this.hub.relay({ ...forward, method: 'GET' });
  }

  @Get('global-patterns')
  @Access({ roles: [...EVERYONE], store: 'none' })
  @ApiOperation({ summary: 'Global high-utility itemsets of a round (default: the latest completed), with noisy utility, support, coverage and 95% interval; fetched from the hub' })
  globalPatterns(@Query() _query: GlobalPatternsQuery, @HubForward() forward: Forward) {
    return this.hub.relay({ ...forward, method: 'GET' });
  }
}

/** The consortium's insights, read from the hub for this node's users. */
@ApiTags('insights')
@Controller('api/insights/consortium')
export class HubConsortiumInsightsController {
  constructor(@Inject(HUB_LINK) private readonly hub: HubLink) {}

  @Get('bundles')
  @Access({ roles: [...EVERYONE], store: 'none' })
  @ApiOperation({ summary: 'Bundles of the latest itemset round: revenue impact, support, confidence, lift with a 95% interval that includes the DP noise; fetched from the hub' })
  bundles(@HubForward() forward: Forward) {
    return this.hub.relay({ ...forward, method: 'GET' });
  }

  @Get('forecasts')
  @Access({ roles: [...EVERYONE], store: 'none' })
  @ApiOperation({ summary: 'Consortium demand forecasts from the latest demand-series round; fetched from the hub' })
  forecasts(@Query() _query: ConsortiumForecastsQuery, @HubForward() forward: Forward) {
    return this.hub.relay({ ...forward, method: 'GET' });
  }

  @Get('prices')
  @Access({ roles: [...EVERYONE], store: 'none' })
  @ApiOperation({ summary: 'Consortium elasticities from the latest price-response round, with recommendations; fetched from the hub' })
  prices(@HubForward() forward: Forward) {
    return this.hub.relay({ ...forward, method: 'GET' });
  }

  @Get('anomalies')
  @Access({ roles: [...EVERYONE], store: 'none' })
  @ApiOperation({ summary: 'Unusual periods of the consortium demand series: spikes, dips and level shifts; fetched from the hub' })
  anomalies(@HubForward() forward: Forward) {
    return this.hub.relay({ ...forward, method: 'GET' });
  }
}
