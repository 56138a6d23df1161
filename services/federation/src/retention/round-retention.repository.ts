import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableIn } from '@tessera/db';

export interface RoundArtefactCounts {
  /** `round_participants` rows (who was invited, joined, declined, dropped, and why) of finished rounds. */
  participants: number;
  /** Failed rounds (they published nothing), with whatever rows they left. */
  failedRounds: number;
}

const affected = (result: unknown) => (result as [unknown[], number])[1];

/**
 * Retention of round artefacts (docs/scheduler.md, Retention): what a finished round leaves
 * beyond its published results. Rounds still running are never touched; completed rounds and
 * their published, noisy results stay.
 */
@Injectable()
export class RoundRetentionRepository {
  private readonly t: Record<'rounds' | 'round_participants', string>;

  constructor(private readonly dataSource: DataSource) {
    this.t = { rounds: tableIn(dataSource, 'rounds'), round_participants: tableIn(dataSource, 'round_participants') };
  }

  /** Artefacts of rounds that finished before the cutoff; with a store, only that store's participant rows. */
  async sweep(olderThan: Date, storeId: string | null): Promise<RoundArtefactCounts> {
    return this.dataSource.transaction(async (manager) => {
      const finishedBefore = `SELECT round_id FROM ${this.t.rounds} WHERE status IN ('completed', 'failed') AND coalesce(completed_at, updated_at) < $1`;
      const participants = affected(await manager.query(`DELETE FROM ${this.t.round_participants} WHERE round_id IN (${finishedBefore}) AND ($2::text IS NULL OR store_id = $2)`, [olderThan, storeId]));
      const failedRounds = storeId ? 0 : affected(await manager.query(`DELETE FROM ${this.t.rounds} WHERE status = 'failed' AND coalesce(completed_at, updated_at) < $1`, [olderThan]));
      return { participants, failedRounds };
    });
  }
}
