import * as grpc from '@grpc/grpc-js';
import { Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigError, loadNodeTls, nodeClientCredentials, STORE_ID_PLACEHOLDER, storeIdOfCertificate, type Logger } from '@tessera/common';
import { LOGGER, SERVICE_CONFIG, grpcClientProvider } from '@tessera/nest-core';
import { federationV1, miningV1 } from '@tessera/proto';
import type { PrivacyConfig } from './privacy.config';
import { BUDGET_DEFAULTS, FEDERATION_NODE_CLIENT, LEDGER_TOPIC, MINING_CLIENT } from './privacy.tokens';
import { BudgetRepository } from './repositories/budget.repository';
import { IdentityRepository } from './repositories/identity.repository';
import { BudgetService } from './budget.service';
import { FederationNodeClient } from './federation/federation-node.client';
import { MiningContributionSource } from './federation/mining-contribution.source';
import { PrivacyGrpcController } from './grpc/privacy.grpc';

/** The stores this node speaks for in federated rounds. */
export function federationStoreIds(config: PrivacyConfig): string[] {
  return config.FEDERATION_STORE_IDS.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * The channel credentials of each store's stream to the hub. Under mTLS every store has its
 * certificate ({storeId} in NODE_TLS_CERT_FILE / NODE_TLS_KEY_FILE is replaced by the store id),
 * checked here to name that store, so a misconfigured node fails at boot rather than being
 * refused by the hub on every reconnect.
 */
export function federationCredentials(config: PrivacyConfig, storeIds: string[]): Map<string, grpc.ChannelCredentials> {
  const credentials = new Map<string, grpc.ChannelCredentials>();
  for (const storeId of storeIds) {
    const tls = loadNodeTls('privacy', config, storeId);
    const certFile = config.NODE_TLS_CERT_FILE.replaceAll(STORE_ID_PLACEHOLDER, storeId);
    if (tls.mode === 'mtls') {
      const certified = storeIdOfCertificate(tls.cert);
      if (certified !== storeId) {
        throw new ConfigError('privacy', [
          {
            variable: 'NODE_TLS_CERT_FILE',
            message: `${JSON.stringify(certFile)} ${certified ? `is the certificate of store ${certified}` : 'names no store (SAN urn:tessera:store:<id>)'}, but this node connects as store ${storeId} (FEDERATION_STORE_IDS); issue one with \`tessera admin node-cert --store ${storeId}\`${storeIds.length > 1 ? ' and write {storeId} in NODE_TLS_CERT_FILE and NODE_TLS_KEY_FILE, one certificate per store' : ''}`,
          },
        ]);
      }
    }
    credentials.set(storeId, nodeClientCredentials(tls));
  }
  return credentials;
}

/** Development only: enrol the node's stores with the hub itself (in production a coordinator does it through the gateway). */
async function enrolStores(hubAdminUrl: string, identities: IdentityRepository, storeIds: string[]) {
  const client = new federationV1.FederationServiceClient(hubAdminUrl, grpc.credentials.createInsecure());
  try {
    for (const storeId of storeIds) {
      const { publicKey } = await identities.getOrCreate(storeId);
      await new Promise<void>((resolve, reject) => client.enrolStore({ storeId, identityPublicKey: publicKey }, new grpc.Metadata(), { deadline: Date.now() + 15_000 }, (error) => (error ? reject(error) : resolve())));
    }
  } finally {
    client.close();
  }
}

/**
 * The privacy service (store node): the store's budget and append-only ledger over gRPC, and,
 * when FEDERATION_HUB_URL and FEDERATION_STORE_IDS are set, the federated client that dials the hub.
 */
@Module({
  controllers: [PrivacyGrpcController],
  providers: [
    { provide: BUDGET_DEFAULTS, inject: [SERVICE_CONFIG], useFactory: (config: PrivacyConfig) => ({ epsilonCap: config.DEFAULT_EPSILON_CAP, delta: config.DEFAULT_DELTA, defaultRoundEpsilon: config.DEFAULT_ROUND_EPSILON }) },
    { provide: LEDGER_TOPIC, inject: [SERVICE_CONFIG], useFactory: (config: PrivacyConfig) => config.LEDGER_TOPIC },
    // Connects only when first used, so a node outside federation never dials mining.
    grpcClientProvider(MINING_CLIENT, (config: PrivacyConfig) => new miningV1.MiningServiceClient(config.MINING_GRPC_URL, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 })),
    BudgetRepository,
    IdentityRepository,
    BudgetService,
    MiningContributionSource,
    {
      provide: FEDERATION_NODE_CLIENT,
      inject: [SERVICE_CONFIG, IdentityRepository, BudgetService, MiningContributionSource, LOGGER],
      useFactory: async (config: PrivacyConfig, identities: IdentityRepository, budgets: BudgetService, source: MiningContributionSource, logger: Logger) => {
        const storeIds = federationStoreIds(config);
        if (!config.FEDERATION_HUB_URL || storeIds.length === 0) return null;
        const credentials = federationCredentials(config, storeIds);
        if (config.FEDERATION_AUTO_ENROL_URL) await enrolStores(config.FEDERATION_AUTO_ENROL_URL, identities, storeIds);
        return new FederationNodeClient(config.FEDERATION_HUB_URL, credentials, identities, budgets, source, logger, config.FEDERATION_MEASUREMENT_DELAY_MS);
      },
    },
  ],
})
export class PrivacyModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @Inject(FEDERATION_NODE_CLIENT) private readonly federation: FederationNodeClient | null,
    @Inject(SERVICE_CONFIG) private readonly config: PrivacyConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    if (!this.federation) return;
    this.federation.start();
    this.logger.info({ hub: this.config.FEDERATION_HUB_URL, storeIds: federationStoreIds(this.config), tls: this.config.NODE_TLS_MODE }, this.config.NODE_TLS_MODE === 'mtls' ? 'federated client started (mTLS)' : 'federated client started IN PLAINTEXT (NODE_TLS_MODE=plaintext: local development only)');
  }

  async onModuleDestroy() {
    await this.federation?.stop();
  }
}
