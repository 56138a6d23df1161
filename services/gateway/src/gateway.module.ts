import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthController, MetricsController } from '@tessera/nest-core';
import type { GatewayRole } from './gateway.config';
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
import { ErasureRequestsModule, SchedulesModule } from './schedules/schedules.module';
import { ConsortiumInsightsModule, InsightsModule } from './insights/insights.module';
import { FilesModule } from './files/files.module';
import { HubClientsModule } from './roles/hub-clients.module';
import { StoreNodeClientsModule } from './roles/store-node-clients.module';
import { HubLinkModule, NodeFrontDoorModule } from './roles/hub-link/hub-link.module';

/** Every role: the access guard, rate limits and the audit rows the gateway writes. */
export const GATEWAY_COMMON_MODULES: Type<unknown>[] = [AccessModule];

/** The hub's areas: nothing here reaches a store's raw data or one store's numbers (schedules: the hub's scheduler). */
export const HUB_FEATURE_MODULES: Type<unknown>[] = [
  AuditModule,
  AuthApiModule,
  UsersModule,
  DirectoryModule,
  StoresModule,
  FederationApiModule,
  SchedulesModule,
  ConsortiumInsightsModule,
];

/** A store node's own areas, served by its services (schedules too: the node's own scheduler; erasure requests only here). */
export const STORE_NODE_FEATURE_MODULES: Type<unknown>[] = [
  TransactionsModule,
  FilesModule,
  MiningApiModule,
  PrivacyApiModule,
  ApiKeysModule,
  InsightsModule,
  SchedulesModule,
  ErasureRequestsModule,
];

/** What a store-node gateway serves through the hub (HUB_URL): sign-in, and the read-only global results. Not in the all role, which signs in locally. */
export const STORE_NODE_HUB_MODULES: Type<unknown>[] = [NodeFrontDoorModule];

/** The feature modules of a role; all = the hub's and the store node's own, in one process. */
export function gatewayFeatureModules(role: GatewayRole): Type<unknown>[] {
  if (role === 'hub') return [...GATEWAY_COMMON_MODULES, ...HUB_FEATURE_MODULES];
  if (role === 'store-node') return [...GATEWAY_COMMON_MODULES, ...STORE_NODE_FEATURE_MODULES, ...STORE_NODE_HUB_MODULES];
  // Modules on both fronts (schedules) once.
  return [...new Set([...GATEWAY_COMMON_MODULES, ...HUB_FEATURE_MODULES, ...STORE_NODE_FEATURE_MODULES])];
}

/** The modules holding a role's downstream clients (global): the hub's services, the store node's, or the hub link. */
export function gatewayClientModules(role: GatewayRole): Type<unknown>[] {
  if (role === 'hub') return [HubClientsModule];
  if (role === 'store-node') return [StoreNodeClientsModule, HubLinkModule];
  return [HubClientsModule, StoreNodeClientsModule];
}

/** Kept for existing imports: the all-in-one role's feature modules. */
export const GATEWAY_FEATURE_MODULES: Type<unknown>[] = gatewayFeatureModules('all');

/** The gateway's own controllers of a role (read from its feature modules); with health and metrics, every route it serves. */
export function gatewayControllers(role: GatewayRole): Type<unknown>[] {
  const features = gatewayFeatureModules(role);
  return [HealthController, MetricsController, ...features.flatMap((feature) => (Reflect.getMetadata('controllers', feature) as Type<unknown>[] | undefined) ?? [])];
}

export const GATEWAY_CONTROLLERS: Type<unknown>[] = gatewayControllers('all').slice(2);
/** Every route of the all-in-one role (the union of the hub's and the store node's own). */
export const ALL_GATEWAY_CONTROLLERS: Type<unknown>[] = gatewayControllers('all');

/** The REST gateway in a role: authentication, RBAC and store scoping, rate limits, circuit breakers, audit. */
@Module({})
export class GatewayModule {
  static forRole(role: GatewayRole): DynamicModule {
    return {
      module: GatewayModule,
      imports: [GatewayCoreModule, ...gatewayClientModules(role), ...gatewayFeatureModules(role)],
      providers: [{ provide: APP_FILTER, useClass: RetryAfterFilter }],
    };
  }
}
