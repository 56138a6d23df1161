import type { Bus } from '@tessera/bus';
import { bootNestService, type NestService } from '@tessera/nest-core';
import { authV1 } from '@tessera/proto';
import { authConfig } from './auth.config';
import { authMigrations } from './migrations';
import { authServicesOf, type AuthServices } from './auth.services';
import { AuthModule } from './auth.module';

export const AUTH_SCHEMA = 'auth';

export interface AuthService extends NestService {
  services: AuthServices;
}

/**
 * The hub's auth service: accounts, sessions, API keys, stores and regions, and the audit
 * log, over gRPC. The bus carries only retention: auth applies the scheduler's `audit`
 * sweeps and confirms them (`deps.bus` is the all-in-one runner's shared bus).
 */
export async function startAuthService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus; schema?: string } = {}): Promise<AuthService> {
  const config = authConfig.load(env);
  const running = await bootNestService({
    core: { name: 'auth', config, database: { schema: deps.schema ?? config.DATABASE_SCHEMA ?? AUTH_SCHEMA, migrations: authMigrations }, useBus: true, bus: deps.bus },
    module: AuthModule,
    grpc: [{ host: config.HTTP_HOST, port: config.GRPC_PORT, services: [authV1.AuthServiceService] }],
  });
  return { ...running, services: authServicesOf(running.app) };
}
