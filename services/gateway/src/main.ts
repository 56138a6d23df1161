import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Redis } from 'ioredis';
import * as grpc from '@grpc/grpc-js';
import { bootService, createLogger, ServiceMetrics, startTelemetry, type HealthCheck, type Logger, type RunningService } from '@tessera/common';
import { gatewayConfig, type GatewayConfig } from './gateway.config';
import { GatewayModule, type GatewayDependencies } from './gateway.module';
import { createIngestionClient } from './clients/ingestion.client';
import { createFederationClient, createMiningClient, createPrivacyClient } from './clients/store-node.clients';
import { AuthClient, createAuthGrpcClient } from './clients/auth.client';
import { requestIdMiddleware } from './http/request-id';
import { accessLogMiddleware } from './http/access-log';
import { CircuitBreakers } from './resilience/circuit-breakers';
import { RateLimiter } from './rate-limit/rate-limiter';
import { MemoryWindowStore, RedisWindowStore, type WindowStore } from './rate-limit/window-store';
import { ipRateLimitMiddleware } from './rate-limit/rate-limit.middleware';
import { buildOpenApi } from './openapi';
import { createInsightsClients } from './insights/insights.clients';

export { buildOpenApi } from './openapi';

function grpcReady(name: string, address: string, client: grpc.Client): HealthCheck {
  return {
    name,
    check: () =>
      new Promise<void>((resolve, reject) => {
        if (client.getChannel().getConnectivityState(true) === grpc.connectivityState.READY) return resolve();
        client.waitForReady(Date.now() + 1500, (error) => (error ? reject(new Error(`${name} at ${address} is not reachable`)) : resolve()));
      }),
  };
}

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

/** Everything the gateway's module needs, built from configuration (also used to generate OpenAPI). */
export function createGatewayDependencies(config: GatewayConfig, logger: Logger, metrics: ServiceMetrics, healthChecks: HealthCheck[] = []): GatewayDependencies {
  const breakers = new CircuitBreakers({ errorThresholdPercentage: config.CIRCUIT_ERROR_PERCENT, volumeThreshold: config.CIRCUIT_MIN_CALLS, resetTimeoutMs: config.CIRCUIT_RESET_SECONDS * 1000 }, logger, metrics);
  let store: WindowStore;
  if (config.RATE_LIMIT_DRIVER === 'redis') {
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 500, connectTimeout: 2000, lazyConnect: false });
    let lastError = 0;
    redis.on('error', (error) => {
      if (Date.now() - lastError > 10_000) logger.warn({ err: error.message }, 'redis (rate limits) connection error');
      lastError = Date.now();
    });
    store = new RedisWindowStore(redis, config.RATE_LIMIT_PREFIX);
  } else {
    store = new MemoryWindowStore();
  }
  return {
    metrics,
    healthChecks,
    logger,
    ingestion: createIngestionClient(config.INGESTION_GRPC_URL),
    mining: createMiningClient(config.MINING_GRPC_URL),
    privacy: createPrivacyClient(config.PRIVACY_GRPC_URL),
    federation: createFederationClient(config.FEDERATION_GRPC_URL),
    insights: createInsightsClients(config.INSIGHTS_GRPC_URL, config.INSIGHTS_HUB_GRPC_URL),
    auth: new AuthClient(createAuthGrpcClient(config.AUTH_GRPC_URL), breakers),
    breakers,
    rateLimiter: new RateLimiter(store, config.RATE_LIMIT_WINDOW_SECONDS * 1000, logger, metrics),
    options: {
      maxUploadBytes: config.MAX_UPLOAD_BYTES,
      jwt: { keys: config.JWT_VERIFY_KEYS, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
      principalCacheTtlMs: config.PRINCIPAL_CACHE_TTL_MS,
      rateLimits: { perUser: config.RATE_LIMIT_PER_USER, perApiKey: config.RATE_LIMIT_PER_API_KEY },
      metricsToken: config.METRICS_TOKEN,
    },
  };
}

/** Express-level setup, in order: proxy trust, request ids, access log, security headers, the per-IP limit, body size, CORS, validation, docs. */
export function configureGatewayApp(app: INestApplication, config: GatewayConfig, deps: GatewayDependencies): void {
  const express = app as NestExpressApplication;
  express.set('trust proxy', parseTrustProxy(config.TRUST_PROXY));
  express.use(requestIdMiddleware);
  express.use(accessLogMiddleware(deps.logger));
  // The JSON API gets a deny-all CSP; the Swagger UI page needs its own scripts and styles.
  const apiHeaders = helmet({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } } });
  const docsHeaders = helmet({ contentSecurityPolicy: false });
  express.use((request: { path: string }, response: unknown, next: () => void) => (request.path.startsWith('/api/docs') ? docsHeaders : apiHeaders)(request as never, response as never, next));
  express.use(ipRateLimitMiddleware(deps.rateLimiter, config.RATE_LIMIT_PER_IP));
  express.useBodyParser('json', { limit: config.JSON_BODY_LIMIT });
  const origins = corsOriginsOf(config);
  express.enableCors({
    origin: origins.length ? origins : false,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-API-Key', 'X-Request-Id'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining'],
    credentials: false,
    maxAge: 600,
  });
  express.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }));
  SwaggerModule.setup('api/docs', app, buildOpenApi(app), { jsonDocumentUrl: 'api/docs/openapi.json' });
}

/** Boots the hub's REST gateway: authentication, RBAC and store scoping, rate limits, circuit breakers, OpenAPI at /api/docs. */
export async function startGatewayService(env: Record<string, string | undefined> = process.env): Promise<RunningService> {
  const config = gatewayConfig.load(env);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  startTelemetry('tessera-gateway', config.OTEL_EXPORTER, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const metrics = new ServiceMetrics('gateway');
  const healthChecks: HealthCheck[] = [];
  const deps = createGatewayDependencies(config, logger, metrics, healthChecks);
  // Readiness needs only the auth service (every route but health needs it); store-node and
  // hub services behind other routes are covered by their circuit breakers, so one store's
  // outage does not take the whole API out of the load balancer.
  healthChecks.push(grpcReady('auth', config.AUTH_GRPC_URL, deps.auth.grpcClient));
  if (config.RATE_LIMIT_DRIVER === 'memory') logger.info('rate limits are counted in this process only (RATE_LIMIT_DRIVER=memory); run one replica or use redis');
  const release = async () => {
    deps.ingestion.close();
    deps.mining.close();
    deps.privacy.close();
    deps.federation.close();
    deps.insights.node.close();
    deps.insights.hub.close();
    deps.auth.close();
    deps.breakers.shutdown();
    await deps.rateLimiter.close();
  };
  let running: RunningService;
  try {
    running = await bootService({
      name: 'gateway',
      module: GatewayModule.register(deps),
      logger,
      http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
      configure: (app) => configureGatewayApp(app, config, deps),
    });
  } catch (error) {
    await release();
    throw error;
  }
  return {
    ...running,
    async close() {
      await running.close();
      await release();
    },
  };
}
