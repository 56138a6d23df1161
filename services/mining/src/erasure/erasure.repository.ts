import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableIn } from '@tessera/db';

/** Deletes mining results derived from erased data; every statement names the store. */
@Injectable()
export class MiningErasureRepository {
  private readonly t: Record<'jobs' | 'patterns', string>;

  constructor(private readonly dataSource: DataSource) {
    this.t = { jobs: tableIn(dataSource, 'jobs'), patterns: tableIn(dataSource, 'patterns') };
  }

  /**
   * A store's jobs created up to `readBefore` (their input was read then, so it may hold the
   * erased transactions) with their patterns. Jobs do not record which transactions they
   * read, so every such job counts as derived from the erased data.
   */
  async eraseJobsReadBefore(storeId: string, readBefore: Date): Promise<{ jobs: number; patterns: number }> {
    return this.dataSource.transaction(async (manager) => {
      const [{ patterns }] = await manager.query(`SELECT count(*)::int AS patterns FROM ${this.t.patterns} p JOIN ${this.t.jobs} j ON j.job_id = p.job_id WHERE j.store_id = $1 AND j.created_at <= $2`, [storeId, readBefore]);
      const result = await manager.query(`DELETE FROM ${this.t.jobs} WHERE store_id = $1 AND created_at <= $2 RETURNING job_id`, [storeId, readBefore]);
      return { jobs: (result as [unknown[], number])[1], patterns };
    });
  }
}
