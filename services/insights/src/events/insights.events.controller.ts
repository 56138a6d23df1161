import { Controller } from '@nestjs/common';
import type { BusMessage } from '@tessera/bus';
import { OnBusBatch } from '@tessera/nest-core';
import type { InsightsConfig } from '../insights.config';
import { RefreshScheduler } from '../refresh/refresh.scheduler';

/** Completed rounds, committed batches and the scheduler's refresh requests schedule a (debounced) refresh. */
@Controller()
export class InsightsEventsController {
  constructor(private readonly scheduler: RefreshScheduler) {}

  @OnBusBatch('insights-rounds', (config: InsightsConfig) => ({ groupId: `tessera-insights-${config.INSIGHTS_ROLE}-rounds`, topics: [config.ROUNDS_TOPIC] }))
  rounds(batch: BusMessage[]) {
    return this.scheduler.onRoundEvents(batch);
  }

  @OnBusBatch('insights-batches', (config: InsightsConfig) => ({ groupId: `tessera-insights-${config.INSIGHTS_ROLE}-batches`, topics: [config.BATCHES_TOPIC] }))
  batches(batch: BusMessage[]) {
    return this.scheduler.onBatchEvents(batch);
  }

  @OnBusBatch('insights-refresh-requests', (config: InsightsConfig) => ({ groupId: `tessera-insights-${config.INSIGHTS_ROLE}-refresh-requests`, topics: [config.REFRESH_REQUESTS_TOPIC] }))
  refreshRequests(batch: BusMessage[]) {
    return this.scheduler.onRefreshRequests(batch);
  }
}
