import { Controller, Inject } from '@nestjs/common';
import type { Bus, BusMessage } from '@tessera/bus';
import type { Logger } from '@tessera/common';
import { BUS, LOGGER, OnBusBatch, SERVICE_CONFIG } from '@tessera/nest-core';
import { schedulerV1 } from '@tessera/proto';
import type { AuthConfig } from '../auth.config';
import { AuditRetentionRepository } from './audit-retention.repository';
import { auditSweepDecision } from './retention-floor.util';

export const RETENTION_TOPICS = { sweeps: 'retention.sweeps.v1', confirmations: 'erasure.confirmations.v1' } as const;

/**
 * Auth's part of retention: applies `audit` sweeps of the scheduler (docs/scheduler.md) and
 * confirms with the count. A redelivered sweep deletes nothing more (the rows are gone) and
 * confirms again; a cutoff younger than AUDIT_RETENTION_MIN_DAYS deletes nothing and says why.
 */
@Controller()
export class AuditRetentionController {
  constructor(
    private readonly repository: AuditRetentionRepository,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(SERVICE_CONFIG) private readonly config: AuthConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  // One group for all replicas: each sweep is applied once.
  @OnBusBatch('retention-sweeps', (config: AuthConfig) => (config.RETENTION_SWEEPS_ENABLED ? { groupId: 'tessera-auth-retention', topics: [RETENTION_TOPICS.sweeps], fromBeginning: true } : undefined))
  async onSweeps(batch: BusMessage[]): Promise<void> {
    for (const message of batch) {
      const sweep = schedulerV1.RetentionSweepRequested.decode(message.value);
      if (sweep.dataClass !== 'audit') continue; // other classes belong to ingestion and federation
      const decision = auditSweepDecision(sweep.olderThan, new Date(), this.config.AUDIT_RETENTION_MIN_DAYS);
      let count = 0;
      let note = '';
      if (decision.apply) count = await this.repository.sweep(decision.cutoff, sweep.sweepId, sweep.storeId || null);
      else {
        note = decision.reason;
        this.logger.warn({ sweepId: sweep.sweepId, olderThan: sweep.olderThan }, `audit retention sweep refused: ${decision.reason}`);
      }
      this.logger.info({ sweepId: sweep.sweepId, dataClass: sweep.dataClass, deleted: count }, 'retention sweep applied');
      const confirmation: schedulerV1.ErasureConfirmed = { requestId: sweep.sweepId, service: 'auth', storeId: sweep.storeId, deleted: [{ dataClass: 'audit', count: String(count) }], note, confirmedAt: new Date().toISOString() };
      await this.bus.publish(RETENTION_TOPICS.confirmations, [{ key: sweep.storeId || 'hub', value: Buffer.from(schedulerV1.ErasureConfirmed.encode(confirmation).finish()) }]);
    }
  }
}
