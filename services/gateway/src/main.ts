import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { loadNodeTls, type Logger } from '@tessera/common';
import { LOGGER, bootNestService, type NestService } from '@tessera/nest-core';
import { loadGatewayConfig, type GatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { requestIdMiddleware } from './http/request-id';
import { accessLogMiddleware } from './http/access-log';
import { RATE_LIMITER } from './rate-limit/rate-limit.tokens';
import type { RateLimiter } from './rate-limit/rate-limiter';
import { ipRateLimitMiddleware } from './rate-limit/rate-limit.middleware';
import { buildOpenApi } from './openapi';
import { serveDashboard } from './dashboard/dashboard-static';
import { gatewayValidationPipe } from './http/validation-pipe';
import { jsonShapeVerifier } from './http/json-limits';

export { buildOpenApi } from './openapi';

/** "" -> false; "1" -> 1 hop; "true" -> true; otherwise a list of addresses/subnets or names (loopback). */
export function parseTrustProxy(raw: string): boolean | number | string[] {
  const value = raw.trim();
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}

export function corsOriginsOf(config: Pick<GatewayConfig, 'CORS_ORIGINS'>): string[] {
  return config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
}

/** Express-level setup, in order: proxy trust, request ids, access log, security headers, the per-IP limit, body size, CORS, validation, docs. */
export function configureGatewayApp(app: INestApplication, config: GatewayConfig): void {
  const express = app as NestExpressApplication;
  const logger = app.get<Logger>(LOGGER);
  const rateLimiter = app.get<RateLimiter>(RATE_LIMITER);
  express.set('trust proxy', parseTrustProxy(config.TRUST_PROXY));
  express.use(requestIdMiddleware);
  express.use(accessLogMiddleware(logger));
  // The JSON API gets a deny-all CSP; the Swagger UI page needs its own scripts and styles.
  const apiHeaders = helmet({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
  const docsHeaders = helmet({ contentSecurityPolicy: false });
  express.use((request: { path: string }, response: unknown, next: () => void) => (request.path.startsWith('/api/docs') ? docsHeaders : apiHeaders)(request as never, response as never, next));
  express.use(serveDashboard(config.DASHBOARD_DIR, logger));
  express.use(ipRateLimitMiddleware(rateLimiter, config.RATE_LIMIT_PER_IP));
  // The raw body is checked for depth and prototype keys before JSON.parse can recurse on it.
  express.useBodyParser('json', { limit: config.JSON_BODY_LIMIT, verify: jsonShapeVerifier(config.JSON_MAX_DEPTH) });
  const origins = corsOriginsOf(config);
  express.enableCors({
    origin: origins.length ? origins : false,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining'],
    credentials: false,
    maxAge: 600,
  });
  express.useGlobalPipes(gatewayValidationPipe());
  SwaggerModule.setup('api/docs', app, buildOpenApi(app, config.GATEWAY_ROLE), { jsonDocumentUrl: 'api/docs/openapi.json' });
}

/** The routes a store-node gateway calls on the hub's node front (method, path and query); anything else there is 404. */
export const NODE_FRONT_ROUTES: { method: 'GET' | 'POST'; path: RegExp }[] = [
  { method: 'POST', path: /^\/api\/auth\/(login|refresh|logout|password)(\?|$)/ },
  { method: 'GET', path: /^\/api\/auth\/(me|keys)(\?|$)/ },
  { method: 'GET', path: /^\/api\/stores(\?|$)/ },
  { method: 'GET', path: /^\/api\/federated\/global-patterns(\?|$)/ },
  { method: 'GET', path: /^\/api\/federated\/rounds(\/[A-Za-z0-9-]+)?(\?|$)/ },
  { method: 'GET', path: /^\/api\/insights\/consortium\/[a-z-]+(\?|$)/ },
  { method: 'GET', path: /^\/health(\/live|\/ready)?(\?|$)/ },
];

export type GatewayService = NestService & { role: GatewayConfig['GATEWAY_ROLE']; nodeApiPort?: number };

/**
 * The hub gateway's node front (NODE_API_PORT): the same app, on a second listener that
 * store-node gateways dial. With NODE_TLS_MODE=mtls it is HTTPS requiring a client
 * certificate issued by the consortium CA (requestCert, rejectUnauthorized); with plaintext,
 * plain HTTP for local development. Only the routes a store node uses are served there.
 */
async function listenNodeFront(app: INestApplication, config: GatewayConfig & { NODE_API_PORT: number }, logger: Logger): Promise<http.Server> {
  const tls = loadNodeTls('gateway', config);
  const express = app.getHttpAdapter().getInstance() as http.RequestListener;
  const handler: http.RequestListener = (request, response) => {
    // A store-node gateway (certificate-authenticated) names its caller's address: the hub's
    // per-IP limit, lockouts and audit rows see the store's user, not the node, whatever TRUST_PROXY says.
    // Only over mTLS: on a plaintext node front (development) anyone could claim any address.
    const forwarded = tls.mode === 'mtls' ? String(request.headers['x-forwarded-for'] ?? '').split(',').pop()?.trim() : undefined;
    if (forwarded && isIP(forwarded)) Object.defineProperty(request, 'ip', { value: forwarded, configurable: true, enumerable: true, writable: true });
    if (NODE_FRONT_ROUTES.some((route) => route.method === request.method && route.path.test(request.url ?? ''))) return express(request, response);
    response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: 404, message: `${request.method} ${request.url?.split('?')[0]} is not served on the node front` }));
  };
  const server = tls.mode === 'mtls' ? https.createServer({ ca: tls.ca, cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, handler) : http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.NODE_API_PORT, config.HTTP_HOST, () => resolve());
  });
  const address = server.address();
  logger.info({ nodeApiPort: typeof address === 'object' && address ? address.port : config.NODE_API_PORT, tls: tls.mode }, 'node front listening (store-node gateways)');
  return server;
}

/**
 * Boots the REST gateway in its role (GATEWAY_ROLE): authentication, RBAC and store
 * scoping, rate limits, circuit breakers, OpenAPI at /api/docs; on the hub (and the all
 * role when NODE_API_PORT is set) the node front for store-node gateways too.
 */
export async function startGatewayService(env: Record<string, string | undefined> = process.env): Promise<GatewayService> {
  const config = loadGatewayConfig(env);
  const service = await bootNestService({
    core: { name: 'gateway', config },
    module: GatewayModule.forRole(config.GATEWAY_ROLE),
    configure: (app) => configureGatewayApp(app, config),
  });
  if (!('NODE_API_PORT' in config) || config.NODE_API_PORT === 0) return { ...service, role: config.GATEWAY_ROLE };
  let nodeFront: http.Server;
  try {
    nodeFront = await listenNodeFront(service.app, config, service.app.get<Logger>(LOGGER));
  } catch (error) {
    await service.close();
    throw error;
  }
  const address = nodeFront.address();
  return {
    ...service,
    role: config.GATEWAY_ROLE,
    nodeApiPort: typeof address === 'object' && address ? address.port : config.NODE_API_PORT,
    close: async () => {
      nodeFront.closeAllConnections();
      await new Promise<void>((resolve) => nodeFront.close(() => resolve()));
      await service.close();
    },
  };
}
