import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { ReadinessChecks, SERVICE_CONFIG, grpcClientProvider } from '@tessera/nest-core';
import type { GatewayHubConfig } from '../gateway.config';
import { AUTH_CLIENT, AuthClient, createAuthGrpcClient } from '../clients/auth.client';
import { FEDERATION_CLIENT, createFederationClient } from '../clients/store-node.clients';
import { Downstream } from '../clients/downstream';
import { AuthPrincipalService, PrincipalService } from '../access/principal.service';
import { VERIFY_KEYS, staticVerifyKeys } from '../access/verify-keys';
import { grpcReady } from '../gateway-core.module';

/**
 * The hub's clients: the auth service (accounts, sessions, audit, who a token belongs to)
 * and the federation coordinator (rounds, global results). Tokens are verified with
 * JWT_VERIFY_KEYS. The hub role and the all-in-one role have it; a store-node gateway never.
 * Ready when the auth service answers: every route but health needs it.
 */
@Global()
@Module({
  providers: [
    grpcClientProvider(FEDERATION_CLIENT, (config: GatewayHubConfig) => createFederationClient(config.FEDERATION_GRPC_URL)),
    { provide: AUTH_CLIENT, inject: [SERVICE_CONFIG, Downstream], useFactory: (config: GatewayHubConfig, downstream: Downstream) => new AuthClient(createAuthGrpcClient(config.AUTH_GRPC_URL), downstream) },
    { provide: VERIFY_KEYS, inject: [SERVICE_CONFIG], useFactory: (config: GatewayHubConfig) => staticVerifyKeys(config.JWT_VERIFY_KEYS) },
    { provide: PrincipalService, useClass: AuthPrincipalService },
  ],
  exports: [AUTH_CLIENT, FEDERATION_CLIENT, VERIFY_KEYS, PrincipalService],
})
export class HubClientsModule implements OnModuleInit {
  constructor(
    @Inject(AUTH_CLIENT) private readonly auth: AuthClient,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayHubConfig,
    private readonly readiness: ReadinessChecks,
  ) {}

  /**
   * Readiness is the auth service only (docs/security.md, "Readiness"): services behind other
   * routes are covered by their circuit breakers, so one outage does not take the whole API
   * out of the load balancer.
   */
  onModuleInit() {
    this.readiness.add({ name: 'auth', check: grpcReady(this.auth.grpcClient, 'auth', this.config.AUTH_GRPC_URL) });
  }
}
