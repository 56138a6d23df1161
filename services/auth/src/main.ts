import { Module } from '@nestjs/common';
import { bootService, ObservabilityModule, type RunningService } from '@tessera/common';
import { openServiceResources } from '@tessera/service-kit';
import type { Bus } from '@tessera/bus';
import { authConfig } from './auth.config';
import { authMigrations } from './migrations';
import { createAuthServices, type AuthServices } from './auth.services';
import { authGrpcBinding } from './grpc/auth.grpc';

export const AUTH_SCHEMA = 'auth';

/** The auth service's HTTP surface is health and metrics; its API is gRPC, called by the gateway. */
@Module({})
class AuthHttpModule {}

export interface AuthService extends RunningService {
  services: AuthServices;
}

/**
 * The hub's auth service: accounts, sessions, API keys, stores and regions, and the audit
 * log, over gRPC. `deps.bus` is accepted for the all-in-one runner's uniform call; auth
 * publishes no events.
 */
export async function startAuthService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus; schema?: string } = {}): Promise<AuthService> {
  const config = authConfig.load(env);
  const resources = await openServiceResources({ name: 'auth', config, database: { schema: deps.schema ?? config.DATABASE_SCHEMA ?? AUTH_SCHEMA, migrations: authMigrations } });
  const { logger, metrics } = resources;
  const services = createAuthServices(resources.dataSource!, config, logger, metrics);
  try {
    const admin = await services.users.bootstrapAdmin(config.BOOTSTRAP_ADMIN_EMAIL.trim(), config.BOOTSTRAP_ADMIN_PASSWORD);
    if (admin) logger.info({ email: admin.email }, 'created the first admin from BOOTSTRAP_ADMIN_EMAIL');
  } catch (error) {
    await resources.close();
    throw new Error(`auth: could not create the bootstrap admin: ${(error as Error).message}`);
  }
  const running = await bootService({
    name: 'auth',
    module: { module: AuthHttpModule, imports: [ObservabilityModule.forService(metrics, resources.healthChecks)] },
    logger,
    http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
    grpc: { host: config.HTTP_HOST, port: config.GRPC_PORT, bindings: () => [authGrpcBinding(services)] },
  });
  return {
    ...running,
    services,
    async close() {
      await running.close();
      await resources.close();
    },
  };
}
