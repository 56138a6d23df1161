import { Controller } from '@nestjs/common';
import type { BusMessage } from '@tessera/bus';
import { OnBusBatch } from '@tessera/nest-core';
import { SchedulerTopics } from '../scheduler.topics';
import { ErasureService } from './erasure.service';

/** Confirmations from the services that hold data; one group for all replicas (recording is idempotent anyway). */
@Controller()
export class ErasureConfirmationsController {
  constructor(private readonly erasures: ErasureService) {}

  @OnBusBatch('erasure-confirmations', () => ({ groupId: 'tessera-scheduler-erasure', topics: [SchedulerTopics.erasureConfirmations], fromBeginning: true }))
  confirmed(batch: BusMessage[]): Promise<void> {
    return this.erasures.confirmed(batch);
  }
}
