import { randomUUID } from 'node:crypto';
import { Controller } from '@nestjs/common';
import type { BusMessage } from '@tessera/bus';
import { OnBusBatch } from '@tessera/nest-core';
import { MeasureService } from '../measure.service';
import type { MiningConfig } from '../mining.config';

/** Ingestion's committed batches: new data for a store makes its cached database stale. */
@Controller()
export class StoreDataEventsController {
  constructor(private readonly measurements: MeasureService) {}

  // A group of its own per instance: every instance must hear of every store's new data.
  @OnBusBatch('mining-cache-invalidation', (config: MiningConfig) => ({ groupId: `tessera-mining-cache-${randomUUID()}`, topics: [config.BATCHES_TOPIC] }))
  async invalidate(batch: BusMessage[]): Promise<void> {
    for (const message of batch) if (message.key) this.measurements.invalidate(message.key);
  }
}
