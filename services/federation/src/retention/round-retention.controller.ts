import { Controller, Inject } from '@nestjs/common';
import type { Bus, BusMessage } from '@tessera/bus';
import type { Logger } from '@tessera/common';
import { BUS, LOGGER, OnBusBatch } from '@tessera/nest-core';
import { schedulerV1 } from '@tessera/proto';
import type { FederationConfig } from '../federation.config';
import { RoundRetentionRepository } from './round-retention.repository';

export const RETENTION_TOPICS = { sweeps: 'retention.sweeps.v1', confirmations: 'erasure.confirmations.v1' } as const;

const NOTE = 'masked vectors, key lists and secret shares are never stored (they live in memory for one round); completed rounds and their published results are kept';

/**
 * Federation's part of retention: applies `round_artefacts` sweeps of the scheduler and
 * confirms with counts. A redelivered sweep deletes nothing more and confirms again.
 */
@Controller()
export class RoundRetentionController {
  constructor(
    private readonly repository: RoundRetentionRepository,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  // One group for all replicas: each sweep is applied once.
  @OnBusBatch('retention-sweeps', (config: FederationConfig) => (config.RETENTION_SWEEPS_ENABLED ? { groupId: 'tessera-federation-retention', topics: [RETENTION_TOPICS.sweeps], fromBeginning: true } : undefined))
  async onSweeps(batch: BusMessage[]): Promise<void> {
    for (const message of batch) {
      const sweep = schedulerV1.RetentionSweepRequested.decode(message.value);
      if (sweep.dataClass !== 'round_artefacts') continue; // other classes belong to ingestion and auth
      const olderThan = new Date(sweep.olderThan);
      if (Number.isNaN(olderThan.getTime())) continue;
      const counts = await this.repository.sweep(olderThan, sweep.storeId || null);
      this.logger.info({ sweepId: sweep.sweepId, dataClass: sweep.dataClass, storeId: sweep.storeId || null, ...counts }, 'retention sweep applied');
      const confirmation: schedulerV1.ErasureConfirmed = {
        requestId: sweep.sweepId,
        service: 'federation',
        storeId: sweep.storeId,
        deleted: [
          { dataClass: 'round_participants', count: String(counts.participants) },
          { dataClass: 'failed_rounds', count: String(counts.failedRounds) },
        ],
        note: NOTE,
        confirmedAt: new Date().toISOString(),
      };
      await this.bus.publish(RETENTION_TOPICS.confirmations, [{ key: sweep.storeId || 'hub', value: Buffer.from(schedulerV1.ErasureConfirmed.encode(confirmation).finish()) }]);
    }
  }
}
