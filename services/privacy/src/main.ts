import type { Bus } from '@tessera/bus';
import { bootNestService, type NestService } from '@tessera/nest-core';
import { privacyV1 } from '@tessera/proto';
import { privacyConfig } from './privacy.config';
import { privacyMigrations } from './migrations';
import { BudgetService } from './budget.service';
import { FederationNodeClient } from './federation/federation-node.client';
import { PrivacyModule } from './privacy.module';
import { FEDERATION_NODE_CLIENT } from './privacy.tokens';

export const PRIVACY_SCHEMA = 'privacy';

export interface PrivacyService extends NestService {
  budgets: BudgetService;
  federation?: FederationNodeClient;
}

/**
 * The privacy service (store node): the store's budget and append-only ledger over gRPC,
 * and the federated client (noise, masking) when the node takes part in rounds.
 */
export async function startPrivacyService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus; schema?: string } = {}): Promise<PrivacyService> {
  const config = privacyConfig.load(env);
  const running = await bootNestService({
    core: { name: 'privacy', config, database: { schema: deps.schema ?? config.DATABASE_SCHEMA ?? PRIVACY_SCHEMA, migrations: privacyMigrations }, useBus: true, bus: deps.bus },
    module: PrivacyModule,
    grpc: [{ host: config.HTTP_HOST, port: config.GRPC_PORT, services: [privacyV1.PrivacyServiceService] }],
  });
  return { ...running, budgets: running.app.get(BudgetService), federation: running.app.get<FederationNodeClient | null>(FEDERATION_NODE_CLIENT) ?? undefined };
}
