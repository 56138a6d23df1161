import { Global, Inject, Module, Optional, type OnModuleInit } from '@nestjs/common';
import type { ingestionV1 } from '@tessera/proto';
import { ReadinessChecks, SERVICE_CONFIG, grpcClientProvider } from '@tessera/nest-core';
import type { GatewayStoreNodeConfig } from '../gateway.config';
import { INGESTION_CLIENT, createIngestionClient } from '../clients/ingestion.client';
import { MINING_CLIENT, PRIVACY_CLIENT, createMiningClient, createPrivacyClient } from '../clients/store-node.clients';
import { AUTH_CLIENT } from '../clients/auth.client';
import { grpcReady } from '../gateway-core.module';

/**
 * The store node's own services: ingestion (raw transactions, files, POS events), mining and
 * privacy. The store-node role and the all-in-one role have it; the hub role never. On a
 * store node (no auth service here) readiness is ingestion: POS events must keep flowing.
 */
@Global()
@Module({
  providers: [
    grpcClientProvider(INGESTION_CLIENT, (config: GatewayStoreNodeConfig) => createIngestionClient(config.INGESTION_GRPC_URL)),
    grpcClientProvider(MINING_CLIENT, (config: GatewayStoreNodeConfig) => createMiningClient(config.MINING_GRPC_URL)),
    grpcClientProvider(PRIVACY_CLIENT, (config: GatewayStoreNodeConfig) => createPrivacyClient(config.PRIVACY_GRPC_URL)),
  ],
  exports: [INGESTION_CLIENT, MINING_CLIENT, PRIVACY_CLIENT],
})
export class StoreNodeClientsModule implements OnModuleInit {
  constructor(
    @Inject(INGESTION_CLIENT) private readonly ingestion: ingestionV1.IngestionServiceClient,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayStoreNodeConfig,
    private readonly readiness: ReadinessChecks,
    @Optional() @Inject(AUTH_CLIENT) private readonly auth?: unknown,
  ) {}

  onModuleInit() {
    if (!this.auth) this.readiness.add({ name: 'ingestion', check: grpcReady(this.ingestion, 'ingestion', this.config.INGESTION_GRPC_URL) });
  }
}
