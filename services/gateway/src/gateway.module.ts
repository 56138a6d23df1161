import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { HealthController, MetricsController, ObservabilityModule, type HealthCheck, type Logger, type ServiceMetrics } from '@tessera/common';
import type { federationV1, ingestionV1, miningV1, privacyV1 } from '@tessera/proto';
import { INGESTION_CLIENT } from './clients/ingestion.client';
import { AUTH_CLIENT, type AuthClient } from './clients/auth.client';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { FileUploadService } from './transactions/file-upload.service';
import { TransactionsService } from './transactions/transactions.service';
import { TransactionsController } from './transactions/transactions.controller';
import { StoresController } from './stores/stores.controller';
import { StoresService } from './stores/stores.service';
import { AuthController } from './auth/auth.controller';
import { SessionsService } from './auth/sessions.service';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';
import { RegionsController } from './directory/regions.controller';
import { DirectoryService } from './directory/directory.service';
import { AuditController } from './audit/audit.controller';
import { AuditQueryService } from './audit/audit.service';
import { AuditRecorder, GATEWAY_LOGGER } from './audit/audit-recorder';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AccessGuard } from './access/access.guard';
import { JwtAuthGuard, JwtStrategy } from './access/jwt.strategy';
import { PrincipalService } from './access/principal.service';
import { declareObservabilityAccess } from './access/observability-access';
import { RATE_LIMITER } from './rate-limit/rate-limit.tokens';
import type { RateLimiter } from './rate-limit/rate-limiter';
import { CircuitBreakers } from './resilience/circuit-breakers';
import { RetryAfterFilter } from './http/retry-after';
import { FEDERATION_CLIENT, MINING_CLIENT, PRIVACY_CLIENT } from './clients/store-node.clients';
import { FederationController } from './federation/federation.controller';
import { FederationService } from './federation/federation.service';
import { MiningController } from './mining/mining.controller';
import { MiningService } from './mining/mining.service';
import { PrivacyController } from './privacy/privacy.controller';
import { PrivacyService } from './privacy/privacy.service';
import { INSIGHTS_CONTROLLERS, InsightsGatewayModule } from './insights/insights.module';
import type { InsightsClients } from './insights/insights.clients';

/** The gateway's own controllers; with health and metrics, every route it serves. */
export const GATEWAY_CONTROLLERS: Type<unknown>[] = [AuthController, ApiKeysController, UsersController, RegionsController, StoresController, AuditController, TransactionsController, MiningController, PrivacyController, FederationController];
export const ALL_GATEWAY_CONTROLLERS: Type<unknown>[] = [HealthController, MetricsController, ...GATEWAY_CONTROLLERS, ...INSIGHTS_CONTROLLERS];

export interface GatewayDependencies {
  metrics: ServiceMetrics;
  healthChecks: HealthCheck[];
  logger: Logger;
  ingestion: ingestionV1.IngestionServiceClient;
  mining: miningV1.MiningServiceClient;
  privacy: privacyV1.PrivacyServiceClient;
  federation: federationV1.FederationServiceClient;
  insights: InsightsClients;
  auth: AuthClient;
  breakers: CircuitBreakers;
  rateLimiter: RateLimiter;
  options: GatewayOptions;
}

@Module({})
export class GatewayModule {
  static register(deps: GatewayDependencies): DynamicModule {
    declareObservabilityAccess();
    return {
      module: GatewayModule,
      imports: [ObservabilityModule.forService(deps.metrics, deps.healthChecks), PassportModule, InsightsGatewayModule.register(deps.insights, deps.breakers)],
      controllers: GATEWAY_CONTROLLERS,
      providers: [
        { provide: INGESTION_CLIENT, useValue: deps.ingestion },
        { provide: MINING_CLIENT, useValue: deps.mining },
        { provide: PRIVACY_CLIENT, useValue: deps.privacy },
        { provide: FEDERATION_CLIENT, useValue: deps.federation },
        { provide: AUTH_CLIENT, useValue: deps.auth },
        { provide: GATEWAY_OPTIONS, useValue: deps.options },
        { provide: GATEWAY_LOGGER, useValue: deps.logger },
        { provide: RATE_LIMITER, useValue: deps.rateLimiter },
        { provide: CircuitBreakers, useValue: deps.breakers },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        { provide: APP_FILTER, useClass: RetryAfterFilter },
        JwtStrategy,
        JwtAuthGuard,
        PrincipalService,
        AuditRecorder,
        FileUploadService,
        TransactionsService,
        StoresService,
        SessionsService,
        ApiKeysService,
        UsersService,
        DirectoryService,
        AuditQueryService,
        MiningService,
        PrivacyService,
        FederationService,
      ],
    };
  }
}
