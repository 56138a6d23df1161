import { Module } from '@nestjs/common';
import { bootService, ObservabilityModule, type RunningService } from '@tessera/common';
import { openServiceResources } from '@tessera/service-kit';
import type { Bus } from '@tessera/bus';
import { privacyConfig } from './privacy.config';
import { privacyMigrations } from './migrations';
import { BudgetRepository } from './repositories/budget.repository';
import { BudgetService } from './budget.service';
import { privacyGrpcBinding } from './grpc/privacy.grpc';
import * as grpc from '@grpc/grpc-js';
import { federationV1, miningV1 } from '@tessera/proto';
import { IdentityRepository } from './repositories/identity.repository';
import { FederationNodeClient } from './federation/federation-node.client';
import { MiningContributionSource } from './federation/mining-contribution.source';

export const PRIVACY_SCHEMA = 'privacy';

@Module({})
class PrivacyHttpModule {}

export interface PrivacyService extends RunningService {
  budgets: BudgetService;
  federation?: FederationNodeClient;
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
 * The privacy service (store node): the store's budget and append-only ledger over gRPC.
 * Federated-client duties (noise, masking) arrive with the federation issue.
 */
export async function startPrivacyService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus; schema?: string } = {}): Promise<PrivacyService> {
  const config = privacyConfig.load(env);
  const resources = await openServiceResources({ name: 'privacy', config, database: { schema: deps.schema ?? config.DATABASE_SCHEMA ?? PRIVACY_SCHEMA, migrations: privacyMigrations }, useBus: true, bus: deps.bus });
  const repository = new BudgetRepository(resources.dataSource!, { epsilonCap: config.DEFAULT_EPSILON_CAP, delta: config.DEFAULT_DELTA, defaultRoundEpsilon: config.DEFAULT_ROUND_EPSILON });
  const budgets = new BudgetService(repository, resources.bus, config.LEDGER_TOPIC, resources.logger, resources.metrics);
  const identities = new IdentityRepository(resources.dataSource!);
  const storeIds = config.FEDERATION_STORE_IDS.split(',').map((s) => s.trim()).filter(Boolean);
  let federation: FederationNodeClient | undefined;
  let mining: miningV1.MiningServiceClient | undefined;
  if (config.FEDERATION_HUB_URL && storeIds.length > 0) {
    if (config.FEDERATION_AUTO_ENROL_URL) await enrolStores(config.FEDERATION_AUTO_ENROL_URL, identities, storeIds);
    mining = new miningV1.MiningServiceClient(config.MINING_GRPC_URL, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    federation = new FederationNodeClient(config.FEDERATION_HUB_URL, storeIds, identities, budgets, new MiningContributionSource(mining), resources.logger, config.FEDERATION_MEASUREMENT_DELAY_MS);
    federation.start();
    resources.logger.info({ hub: config.FEDERATION_HUB_URL, storeIds }, 'federated client started');
  }
  const running = await bootService({
    name: 'privacy',
    module: { module: PrivacyHttpModule, imports: [ObservabilityModule.forService(resources.metrics, resources.healthChecks)] },
    logger: resources.logger,
    http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
    grpc: { host: config.HTTP_HOST, port: config.GRPC_PORT, bindings: () => [privacyGrpcBinding(budgets)] },
  });
  return {
    ...running,
    budgets,
    federation,
    async close() {
      await federation?.stop();
      mining?.close();
      await running.close();
      await resources.close();
    },
  };
}
