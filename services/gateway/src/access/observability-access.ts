import { HealthController, MetricsController } from '@tessera/nest-core';
import { ACCESS_POLICY } from './access.decorator';
import type { AccessPolicy } from './access-policy';

const PUBLIC: AccessPolicy = { public: true, roles: [], store: 'none' };

/**
 * Health and metrics come from the core module (libs/nest-core), shared by every service;
 * only the gateway guards routes, so it declares their policy here: public. Probes must work
 * without credentials; /metrics additionally takes METRICS_TOKEN when one is configured (see
 * the guard), for when the ingress exposes the gateway's port.
 */
export function declareObservabilityAccess(): void {
  for (const handler of [HealthController.prototype.live, HealthController.prototype.ready, MetricsController.prototype.scrape]) {
    if (!Reflect.hasOwnMetadata(ACCESS_POLICY, handler)) Reflect.defineMetadata(ACCESS_POLICY, PUBLIC, handler);
  }
}
