import { Module } from '@nestjs/common';
import { bootService, ObservabilityModule, type RunningService } from '@tessera/common';
import { openServiceResources } from '@tessera/service-kit';
import type { Bus } from '@tessera/bus';
import { privacyConfig } from './privacy.config';
import { privacyMigrations } from './migrations';
import { BudgetRepository } from './repositories/budget.repository';
import { BudgetService } from './budget.service';
import { privacyGrpcBinding } from './grpc/privacy.grpc';

export const PRIVACY_SCHEMA = 'privacy';

@Module({})
class PrivacyHttpModule {}

export interface PrivacyService extends RunningService {
  budgets: BudgetService;
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
    async close() {
      await running.close();
      await resources.close();
    },
  };
}
