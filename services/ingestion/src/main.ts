import { bootService, ObservabilityModule, type RunningService } from '@tessera/common';
import { openServiceResources } from '@tessera/service-kit';
import type { Bus, Subscription } from '@tessera/bus';
import { ingestionConfig } from './ingestion.config';
import { ingestionMigrations } from './migrations';
import { IngestionHttpModule } from './ingestion.module';
import { TransactionRepository } from './repositories/transaction.repository';
import { FileRepository } from './repositories/file.repository';
import { RejectedEventRepository } from './repositories/rejected-event.repository';
import { BatchEventPublisher } from './batch-event.publisher';
import { PosIngestService } from './pos-ingest.service';
import { FileIngestService } from './file-ingest.service';
import { TransactionQueryService } from './transaction-query.service';
import { ingestionGrpcBinding } from './grpc/ingestion.grpc';

export const INGESTION_SCHEMA = 'ingestion';

export interface IngestionService extends RunningService {
  pos: PosIngestService;
}

/** Boots the store node's ingestion service: migrations, gRPC, the POS consumer, health and metrics. */
export async function startIngestionService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus; schema?: string } = {}): Promise<IngestionService> {
  const config = ingestionConfig.load(env);
  const resources = await openServiceResources({ name: 'ingestion', config, database: { schema: deps.schema ?? config.DATABASE_SCHEMA ?? INGESTION_SCHEMA, migrations: ingestionMigrations }, useBus: true, bus: deps.bus });
  const { logger, metrics, dataSource, bus } = resources;
  const transactions = new TransactionRepository(dataSource!);
  const files = new FileRepository(dataSource!);
  const rejections = new RejectedEventRepository(dataSource!);
  const batchEvents = new BatchEventPublisher(bus!, logger, config.BATCHES_TOPIC);
  const pos = new PosIngestService(dataSource!, transactions, rejections, bus!, batchEvents, logger, metrics, config.CUSTOMER_HASH_KEY, config.POS_DLQ_TOPIC);
  const fileIngest = new FileIngestService(dataSource!, transactions, files, batchEvents, logger, metrics, {
    customerHashKey: config.CUSTOMER_HASH_KEY,
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    batchSize: config.FILE_BATCH_SIZE,
  });
  const queries = new TransactionQueryService(transactions, files, rejections);

  const interrupted = await fileIngest.recoverInterrupted();
  if (interrupted) logger.warn({ interrupted }, 'uploads interrupted by the previous stop were marked failed');

  const running = await bootService({
    name: 'ingestion',
    module: { module: IngestionHttpModule, imports: [ObservabilityModule.forService(metrics, resources.healthChecks)] },
    logger,
    http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
    grpc: { host: config.HTTP_HOST, port: config.GRPC_PORT, bindings: () => [ingestionGrpcBinding(fileIngest, queries, pos)] },
  });

  let subscription: Subscription | undefined;
  if (config.POS_CONSUMER_ENABLED) {
    subscription = await bus!.subscribe({ groupId: config.POS_CONSUMER_GROUP, topics: [config.POS_TOPIC], fromBeginning: true, maxBatchSize: config.POS_BATCH_SIZE }, async (batch) => {
      await pos.ingestBatch(batch);
    });
    logger.info({ topic: config.POS_TOPIC, group: config.POS_CONSUMER_GROUP }, 'consuming POS events');
  }

  return {
    ...running,
    pos,
    async close() {
      await subscription?.close();
      await running.close();
      await resources.close();
    },
  };
}
