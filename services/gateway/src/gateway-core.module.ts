import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { LOGGER, ReadinessChecks, SERVICE_CONFIG, grpcClientProvider } from '@tessera/nest-core';
import type { GatewayConfig } from './gateway.config';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { INGESTION_CLIENT, createIngestionClient } from './clients/ingestion.client';
import { FEDERATION_CLIENT, MINING_CLIENT, PRIVACY_CLIENT, createFederationClient, createMiningClient, createPrivacyClient } from './clients/store-node.clients';
import { AUTH_CLIENT, AuthClient, createAuthGrpcClient } from './clients/auth.client';
import { Downstream } from './clients/downstream';
import { CircuitBreakers } from './resilience/circuit-breakers';

/** Ready when the auth service answers: every route but health needs it. */
function grpcReady(client: grpc.Client, name: string, address: string) {
  return () =>
    new Promise<void>((resolve, reject) => {
      if (client.getChannel().getConnectivityState(true) === grpc.connectivityState.READY) return resolve();
      client.waitForReady(Date.now() + 1500, (error) => (error ? reject(new Error(`${name} at ${address} is not reachable`)) : resolve()));
    });
}

/**
 * What every feature module of the gateway uses: its options, the downstream gRPC clients
 * (made from config, closed on shutdown), one circuit breaker per downstream service and the
 * one helper that calls through them (Downstream). Global, like the core module.
 */
@Global()
@Module({
  providers: [
    {
      provide: GATEWAY_OPTIONS,
      inject: [SERVICE_CONFIG],
      useFactory: (config: GatewayConfig): GatewayOptions => ({
        maxUploadBytes: config.MAX_UPLOAD_BYTES,
        jwt: { keys: config.JWT_VERIFY_KEYS, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, maxLifetimeSeconds: config.JWT_MAX_LIFETIME_SECONDS },
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
    grpcClientProvider(INGESTION_CLIENT, (config: GatewayConfig) => createIngestionClient(config.INGESTION_GRPC_URL)),
    grpcClientProvider(MINING_CLIENT, (config: GatewayConfig) => createMiningClient(config.MINING_GRPC_URL)),
    grpcClientProvider(PRIVACY_CLIENT, (config: GatewayConfig) => createPrivacyClient(config.PRIVACY_GRPC_URL)),
    grpcClientProvider(FEDERATION_CLIENT, (config: GatewayConfig) => createFederationClient(config.FEDERATION_GRPC_URL)),
    { provide: AUTH_CLIENT, inject: [SERVICE_CONFIG, Downstream], useFactory: (config: GatewayConfig, downstream: Downstream) => new AuthClient(createAuthGrpcClient(config.AUTH_GRPC_URL), downstream) },
  ],
  exports: [GATEWAY_OPTIONS, CircuitBreakers, Downstream, INGESTION_CLIENT, MINING_CLIENT, PRIVACY_CLIENT, FEDERATION_CLIENT, AUTH_CLIENT],
})
export class GatewayCoreModule implements OnModuleInit {
  constructor(
    @Inject(AUTH_CLIENT) private readonly auth: AuthClient,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayConfig,
    private readonly readiness: ReadinessChecks,
  ) {}

  /**
   * Readiness is the auth service only (docs/security.md, "Readiness"): store-node and hub
   * services behind other routes are covered by their circuit breakers, so one store's outage
   * does not take the whole API out of the load balancer.
   */
  onModuleInit() {
    this.readiness.add({ name: 'auth', check: grpcReady(this.auth.grpcClient, 'auth', this.config.AUTH_GRPC_URL) });
  }
}
