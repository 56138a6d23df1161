import { Global, Module } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { LOGGER, SERVICE_CONFIG } from '@tessera/nest-core';
import type { GatewayConfig } from './gateway.config';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { Downstream } from './clients/downstream';
import { CircuitBreakers } from './resilience/circuit-breakers';

/** A readiness check that passes when a gRPC client's channel connects. */
export function grpcReady(client: grpc.Client, name: string, address: string) {
  return () =>
    new Promise<void>((resolve, reject) => {
      if (client.getChannel().getConnectivityState(true) === grpc.connectivityState.READY) return resolve();
      client.waitForReady(Date.now() + 1500, (error) => (error ? reject(new Error(`${name} at ${address} is not reachable`)) : resolve()));
    });
}

/**
 * What every feature module of the gateway uses, in every role: its options, one circuit
 * breaker per downstream service and the one helper that calls through them (Downstream).
 * The downstream clients themselves belong to the role (roles/hub.module.ts,
 * roles/store-node.module.ts), so a hub gateway has no client of a store node's services.
 * Global, like the core module.
 */
@Global()
@Module({
  providers: [
    {
      provide: GATEWAY_OPTIONS,
      inject: [SERVICE_CONFIG],
      useFactory: (config: GatewayConfig): GatewayOptions => ({
        maxUploadBytes: 'MAX_UPLOAD_BYTES' in config ? config.MAX_UPLOAD_BYTES : 0,
        jwt: { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, maxLifetimeSeconds: config.JWT_MAX_LIFETIME_SECONDS },
        principalCacheTtlMs: config.PRINCIPAL_CACHE_TTL_MS,
        rateLimits: { perUser: config.RATE_LIMIT_PER_USER, perApiKey: config.RATE_LIMIT_PER_API_KEY },
        metricsToken: config.METRICS_TOKEN,
      }),
    },
    {
      provide: CircuitBreakers,
      inject: [SERVICE_CONFIG, LOGGER, ServiceMetrics],
      useFactory: (config: GatewayConfig, logger: Logger, metrics: ServiceMetrics) =>
        new CircuitBreakers({ errorThresholdPercentage: config.CIRCUIT_ERROR_PERCENT, volumeThreshold: config.CIRCUIT_MIN_CALLS, resetTimeoutMs: config.CIRCUIT_RESET_SECONDS * 1000 }, logger, metrics),
    },
    Downstream,
  ],
  exports: [GATEWAY_OPTIONS, CircuitBreakers, Downstream],
})
export class GatewayCoreModule {}
