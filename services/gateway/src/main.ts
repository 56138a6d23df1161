import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { Logger } from '@tessera/common';
import { LOGGER, bootNestService, type NestService } from '@tessera/nest-core';
import { gatewayConfig, type GatewayConfig } from './gateway.config';
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
  SwaggerModule.setup('api/docs', app, buildOpenApi(app), { jsonDocumentUrl: 'api/docs/openapi.json' });
}

/** Boots the hub's REST gateway: authentication, RBAC and store scoping, rate limits, circuit breakers, OpenAPI at /api/docs. */
export async function startGatewayService(env: Record<string, string | undefined> = process.env): Promise<NestService> {
  const config = gatewayConfig.load(env);
  return bootNestService({
    core: { name: 'gateway', config },
    module: GatewayModule,
    configure: (app) => configureGatewayApp(app, config),
  });
}
