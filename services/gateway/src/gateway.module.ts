import { Module, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthController, MetricsController } from '@tessera/nest-core';
import { GatewayCoreModule } from './gateway-core.module';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { AuthApiModule } from './auth/auth.module';
import { UsersModule } from './users/users.module';
import { DirectoryModule } from './directory/directory.module';
import { StoresModule } from './stores/stores.module';
import { TransactionsModule } from './transactions/transactions.module';
import { MiningApiModule } from './mining/mining.module';
import { PrivacyApiModule } from './privacy/privacy.module';
import { FederationApiModule } from './federation/federation.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { RetryAfterFilter } from './http/retry-after';
import { SchedulesModule } from './schedules/schedules.module';
import { InsightsModule } from './insights/insights.module';
import { FilesModule } from './files/files.module';

/** One module per area of the API; health and metrics (observability) come from the core module. */
export const GATEWAY_FEATURE_MODULES: Type<unknown>[] = [
  AccessModule,
  AuditModule,
  AuthApiModule,
  ApiKeysModule,
  UsersModule,
  DirectoryModule,
  StoresModule,
  TransactionsModule,
  MiningApiModule,
  PrivacyApiModule,
  FederationApiModule,
  SchedulesModule,
  InsightsModule,
  FilesModule,
];

/** The gateway's own controllers (read from its feature modules); with health and metrics, every route it serves. */
export const GATEWAY_CONTROLLERS: Type<unknown>[] = GATEWAY_FEATURE_MODULES.flatMap((feature) => (Reflect.getMetadata('controllers', feature) as Type<unknown>[] | undefined) ?? []);
export const ALL_GATEWAY_CONTROLLERS: Type<unknown>[] = [HealthController, MetricsController, ...GATEWAY_CONTROLLERS];

/** The hub's REST gateway: authentication, RBAC and store scoping, rate limits, circuit breakers, audit. */
@Module({
  imports: [GatewayCoreModule, ...GATEWAY_FEATURE_MODULES],
  providers: [{ provide: APP_FILTER, useClass: RetryAfterFilter }],
})
export class GatewayModule {}
