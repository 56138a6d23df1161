import type { Bus } from '@tessera/bus';
import { bootNestService, type NestService } from '@tessera/nest-core';
import { miningV1 } from '@tessera/proto';
import { miningConfig } from './mining.config';
import { miningMigrations } from './migrations';
import { JobRunner } from './jobs/job-runner';
import { MiningModule } from './mining.module';

export const MINING_SCHEMA = 'mining';

export interface MiningService extends NestService {
  runner: JobRunner;
}

/** Boots the mining service (store node): jobs over gRPC, patterns in its own schema. */
export async function startMiningService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus; schema?: string } = {}): Promise<MiningService> {
  const config = miningConfig.load(env);
  const running = await bootNestService({
    core: { name: 'mining', config, database: { schema: deps.schema ?? config.DATABASE_SCHEMA ?? MINING_SCHEMA, migrations: miningMigrations }, useBus: true, bus: deps.bus },
    module: MiningModule,
    grpc: [{ host: config.HTTP_HOST, port: config.GRPC_PORT, services: [miningV1.MiningServiceService] }],
  });
  return { ...running, runner: running.app.get(JobRunner) };
}
