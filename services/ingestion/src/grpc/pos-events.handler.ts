import { Controller } from '@nestjs/common';
import type { BusMessage } from '@tessera/bus';
import { OnBusBatch } from '@tessera/nest-core';
import { PosIngestService } from '../pos-ingest.service';
import type { IngestionConfig } from '../ingestion.config';

/** POS events from the bus: a batch is committed (offsets) only after its rows are (database). */
@Controller()
export class PosEventsHandler {
  constructor(private readonly pos: PosIngestService) {}

  @OnBusBatch('pos-events', (config: IngestionConfig) =>
    config.POS_CONSUMER_ENABLED
      ? // About one batch's worth per partition and fetch (a 3-line event is ~330 bytes): the partitions handled at
        // the same time each get work, instead of one partition bringing 8 MiB while the others wait for the next fetch.
        { groupId: config.POS_CONSUMER_GROUP, topics: [config.POS_TOPIC], fromBeginning: true, maxBatchSize: config.POS_BATCH_SIZE, maxBytesPerPartition: Math.max(64 * 1024, config.POS_BATCH_SIZE * 512) }
      : undefined,
  )
  async ingest(batch: BusMessage[]): Promise<void> {
    await this.pos.ingestBatch(batch);
  }
}
