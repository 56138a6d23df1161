import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { bootService, ObservabilityModule, type RunningService } from '@tessera/common';
import { openServiceResources } from '@tessera/service-kit';
import type { Bus, Subscription } from '@tessera/bus';
import { ingestionV1 } from '@tessera/proto';
import { miningConfig } from './mining.config';
import { miningMigrations } from './migrations';
import { JobRepository } from './repositories/job.repository';
import { JobRunner } from './jobs/job-runner';
import { MeasureService } from './measure.service';
import { miningGrpcBinding } from './grpc/mining.grpc';

export const MINING_SCHEMA = 'mining';

@Module({})
class MiningHttpModule {}

export interface MiningService extends RunningService {
  runner: JobRunner;
}

/** Boots the mining service (store node): jobs over gRPC, patterns in its own schema. */
export async function startMiningService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus; schema?: string } = {}): Promise<MiningService> {
  const config = miningConfig.load(env);
  const resources = await openServiceResources({ name: 'mining', config, database: { schema: deps.schema ?? config.DATABASE_SCHEMA ?? MINING_SCHEMA, migrations: miningMigrations }, useBus: true, bus: deps.bus });
  const { logger, metrics } = resources;
  const ingestion = new ingestionV1.IngestionServiceClient(config.INGESTION_GRPC_URL, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  const jobs = new JobRepository(resources.dataSource!);
  const interrupted = await jobs.failInterrupted();
  if (interrupted) logger.warn({ interrupted }, 'jobs interrupted by the previous stop were marked failed');
  const runner = new JobRunner(jobs, ingestion, resources.bus, logger, metrics, { threads: config.MINING_THREADS, maxConcurrent: config.MAX_CONCURRENT_JOBS, maxPatterns: config.MAX_PATTERNS_STORED, topic: config.JOBS_TOPIC, maxItemsets: config.MINING_MAX_ITEMSETS, maxItemsetItems: config.MINING_MAX_ITEMSET_ITEMS, memoryBudgetMb: config.MINING_MEMORY_BUDGET_MB, workerMaxOldGenerationMb: config.MINING_WORKER_MAX_OLD_GENERATION_MB, threadNiceness: config.MINING_THREAD_NICENESS });
  const measurements = new MeasureService(ingestion, undefined, { maxItemsets: config.MINING_MAX_ITEMSETS, memoryBudgetBytes: config.MINING_MEMORY_BUDGET_MB * 1024 * 1024 });
  // New data for a store makes its cached database stale.
  let batches: Subscription | undefined;
  if (resources.bus) {
    // A group of its own per instance: every instance must hear of every store's new data.
    batches = await resources.bus.subscribe({ groupId: `tessera-mining-cache-${randomUUID()}`, topics: [config.BATCHES_TOPIC] }, async (batch) => {
      for (const message of batch) if (message.key) measurements.invalidate(message.key);
    });
  }
  const running = await bootService({
    name: 'mining',
    module: { module: MiningHttpModule, imports: [ObservabilityModule.forService(metrics, resources.healthChecks)] },
    logger,
    http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
    grpc: { host: config.HTTP_HOST, port: config.GRPC_PORT, bindings: () => [miningGrpcBinding(runner, jobs, measurements)] },
  });
  return {
    ...running,
    runner,
    async close() {
      await batches?.close();
      await runner.stop();
      await running.close();
      ingestion.close();
      await resources.close();
    },
  };
}
