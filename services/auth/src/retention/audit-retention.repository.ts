import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableIn } from '@tessera/db';

/** The audit log's retention: the one way to delete audit rows (the table's trigger refuses every other). */
@Injectable()
export class AuditRetentionRepository {
  private readonly sweepFunction: string;

  constructor(private readonly dataSource: DataSource) {
    this.sweepFunction = tableIn(dataSource, 'sweep_audit_events');
  }

  /** Deletes audit rows that occurred before the cutoff (in one store, or all when storeId is null) and records the sweep in the log itself; returns the count. */
  async sweep(cutoff: Date, sweepId: string, storeId: string | null): Promise<number> {
    const rows: { deleted: string }[] = await this.dataSource.query(`SELECT ${this.sweepFunction}($1::timestamptz, $2, $3::text) AS deleted`, [cutoff, sweepId, storeId]);
    return Number(rows[0].deleted);
  }
}
