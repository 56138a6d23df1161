import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { Redis } from 'ioredis';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { LOGGER, SERVICE_CONFIG } from '@tessera/nest-core';
import type { GatewayConfig } from '../gateway.config';
import { AuditRecordingModule } from '../audit/audit.module';
import { RATE_LIMITER } from '../rate-limit/rate-limit.tokens';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { MemoryWindowStore, RedisWindowStore, type WindowStore } from '../rate-limit/window-store';
import { AccessGuard } from './access.guard';
import { JwtAuthGuard, JwtStrategy } from './jwt.strategy';
import { declareObservabilityAccess } from './observability-access';

function createRateLimiter(config: GatewayConfig, logger: Logger, metrics: ServiceMetrics): RateLimiter {
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
    logger.info('rate limits are counted in this process only (RATE_LIMIT_DRIVER=memory); run one replica or use redis');
    store = new MemoryWindowStore();
  }
  return new RateLimiter(store, config.RATE_LIMIT_WINDOW_SECONDS * 1000, logger, metrics);
}

/**
 * Who may call what: the access guard on every route (its policy from `@Access`), JWT and API
 * key principals, and the per-user, per-key and per-IP rate limits. Every role has it; the
 * PrincipalService and VERIFY_KEYS it uses come from the role's own module (roles/).
 */
@Module({
  imports: [PassportModule, AuditRecordingModule],
  providers: [
    { provide: RATE_LIMITER, inject: [SERVICE_CONFIG, LOGGER, ServiceMetrics], useFactory: createRateLimiter },
    JwtStrategy,
    JwtAuthGuard,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [RATE_LIMITER],
})
export class AccessModule {
  constructor() {
    // Health and metrics come from the core module, shared by every service; only the gateway guards routes.
    declareObservabilityAccess();
  }
}
