import { Inject, Module, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { Logger } from '@tessera/common';
import { LOGGER, ReadinessChecks, SERVICE_CONFIG } from '@tessera/nest-core';
import type { IngestionConfig } from './ingestion.config';
import { BATCHES_TOPIC, CUSTOMER_HASH_KEY, FILE_INGEST_OPTIONS, FILE_RETENTION_DAYS, OBJECT_STORAGE, POS_DLQ_TOPIC } from './ingestion.tokens';
import { ObjectStorage } from './storage/object-storage';
import { FileRetentionService } from './storage/file-retention.service';
import { TransactionRepository } from './repositories/transaction.repository';
import { FileRepository } from './repositories/file.repository';
import { RejectedEventRepository } from './repositories/rejected-event.repository';
import { BatchEventPublisher } from './batch-event.publisher';
import { PosIngestService } from './pos-ingest.service';
import { FileIngestService } from './file-ingest.service';
import { TransactionQueryService } from './transaction-query.service';
import { IngestionGrpcController } from './grpc/ingestion.grpc';
import { PosEventsHandler } from './grpc/pos-events.handler';
import { IngestionErasureHandler } from './erasure/erasure.handler';
import { IngestionErasureRepository } from './erasure/erasure.repository';
import { IngestionErasureService } from './erasure/erasure.service';
import { ApiKeysModule } from './api-keys/api-keys.module';

const fromConfig = <T>(provide: symbol, pick: (config: IngestionConfig) => T) => ({ provide, inject: [SERVICE_CONFIG], useFactory: pick });

/** The store node's ingestion: file uploads and queries over gRPC, POS events from the bus. Its HTTP surface is health and metrics. */
@Module({
  imports: [ApiKeysModule],
  controllers: [IngestionGrpcController, PosEventsHandler, IngestionErasureHandler],
  providers: [
    fromConfig(CUSTOMER_HASH_KEY, (config) => config.CUSTOMER_HASH_KEY),
    fromConfig(POS_DLQ_TOPIC, (config) => config.POS_DLQ_TOPIC),
    fromConfig(BATCHES_TOPIC, (config) => config.BATCHES_TOPIC),
    fromConfig(FILE_INGEST_OPTIONS, (config) => ({ customerHashKey: config.CUSTOMER_HASH_KEY, maxUploadBytes: config.MAX_UPLOAD_BYTES, batchSize: config.FILE_BATCH_SIZE })),
    fromConfig(FILE_RETENTION_DAYS, (config) => config.FILE_RETENTION_DAYS),
    fromConfig(
      OBJECT_STORAGE,
      (config) =>
        new ObjectStorage({ endpoint: config.S3_ENDPOINT, region: config.S3_REGION, bucket: config.S3_BUCKET, accessKey: config.S3_ACCESS_KEY, secretKey: config.S3_SECRET_KEY, pathStyle: config.S3_PATH_STYLE }),
    ),
    TransactionRepository,
    FileRepository,
    FileRetentionService,
    RejectedEventRepository,
    BatchEventPublisher,
    PosIngestService,
    FileIngestService,
    TransactionQueryService,
    IngestionErasureRepository,
    IngestionErasureService,
  ],
})
export class IngestionModule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly fileIngest: FileIngestService,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    private readonly readiness: ReadinessChecks,
    @Inject(SERVICE_CONFIG) private readonly config: IngestionConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit() {
    // Uploaded files are written to the bucket before they are parsed: no bucket, no boot.
    await this.storage.ensureBucket();
    this.readiness.add({ name: 'object-storage', check: () => this.storage.check() });
    // Uploads a dead process left open are failed and their staged rows discarded (all-or-nothing).
    const interrupted = await this.fileIngest.recoverInterrupted();
    if (interrupted) this.logger.warn({ interrupted }, 'uploads interrupted by the previous stop were marked failed');
  }

  onApplicationBootstrap() {
    if (this.config.POS_CONSUMER_ENABLED) this.logger.info({ topic: this.config.POS_TOPIC, group: this.config.POS_CONSUMER_GROUP }, 'consuming POS events');
  }
}
