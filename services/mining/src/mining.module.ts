import * as grpc from '@grpc/grpc-js';
import { Inject, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Bus } from '@tessera/bus';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { BUS, LOGGER, SERVICE_CONFIG, grpcClientProvider } from '@tessera/nest-core';
import { ingestionV1 } from '@tessera/proto';
import type { MiningConfig } from './mining.config';
import { JobRepository } from './repositories/job.repository';
import { JobRunner } from './jobs/job-runner';
import { MeasureService } from './measure.service';
import { MiningGrpcController } from './grpc/mining.grpc';
import { StoreDataEventsController } from './grpc/store-data.events';
import { MiningErasureController } from './erasure/erasure.controller';
import { MiningErasureRepository } from './erasure/erasure.repository';
import { INGESTION_CLIENT, MEASURE_LIMITS } from './mining.tokens';

export { INGESTION_CLIENT } from './mining.tokens';

/** Mining (store node): jobs over gRPC, patterns in its own schema, measurements for federated rounds. */
@Module({
  controllers: [MiningGrpcController, StoreDataEventsController, MiningErasureController],
  providers: [
    grpcClientProvider(INGESTION_CLIENT, (config: MiningConfig) => new ingestionV1.IngestionServiceClient(config.INGESTION_GRPC_URL, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 })),
    JobRepository,
    MiningErasureRepository,
    {
      provide: JobRunner,
      inject: [JobRepository, INGESTION_CLIENT, { token: BUS, optional: true }, LOGGER, ServiceMetrics, SERVICE_CONFIG],
      useFactory: (jobs: JobRepository, ingestion: ingestionV1.IngestionServiceClient, bus: Bus | undefined, logger: Logger, metrics: ServiceMetrics, config: MiningConfig) =>
        new JobRunner(jobs, ingestion, bus, logger, metrics, {
          threads: config.MINING_THREADS,
          maxConcurrent: config.MAX_CONCURRENT_JOBS,
          maxPatterns: config.MAX_PATTERNS_STORED,
          topic: config.JOBS_TOPIC,
          maxItemsets: config.MINING_MAX_ITEMSETS,
          maxItemsetItems: config.MINING_MAX_ITEMSET_ITEMS,
          memoryBudgetMb: config.MINING_MEMORY_BUDGET_MB,
          workerMaxOldGenerationMb: config.MINING_WORKER_MAX_OLD_GENERATION_MB,
          threadNiceness: config.MINING_THREAD_NICENESS,
        }),
    },
    { provide: MEASURE_LIMITS, inject: [SERVICE_CONFIG], useFactory: (config: MiningConfig) => ({ maxItemsets: config.MINING_MAX_ITEMSETS, memoryBudgetBytes: config.MINING_MEMORY_BUDGET_MB * 1024 * 1024 }) },
    MeasureService,
  ],
})
export class MiningModule implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly jobs: JobRepository,
    private readonly runner: JobRunner,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit() {
    const interrupted = await this.jobs.failInterrupted();
    if (interrupted) this.logger.warn({ interrupted }, 'jobs interrupted by the previous stop were marked failed');
  }

  /** Workers stop before the servers and the database close. */
  async onModuleDestroy() {
    await this.runner.stop();
  }
}
