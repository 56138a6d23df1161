import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableIn } from '@tessera/db';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface JobOptions {
  minUtility?: string;
  topK?: number;
  minSupport?: number;
  maxPatternLength?: number;
  merging?: 'auto' | 'on' | 'off';
  threads?: number;
}

export interface JobStatistics {
  transactions: number;
  items: number;
  itemsets: number;
  /** The threshold used, in cents (raised above the requested one when thresholdRaised). */
  minUtilityCents: number;
  /** The threshold asked for, resolved to cents ("0.5%" of the store's total utility, or the amount given). */
  requestedMinUtilityCents?: number;
  /** How the request gave its threshold: an amount in cents, a percentage of the total utility, or top-k. */
  minUtilityKind?: 'amount' | 'percent' | 'top-k';
  /** True when the itemset cap made the search raise its threshold (only the best itemsets were kept). */
  thresholdRaised?: boolean;
  /** The cap on itemsets held while mining that applied. */
  maxItemsets?: number;
  totalMs: number;
  miningMs: number;
  peakRssMb: number;
  candidates: number;
  merging: boolean;
  threads: number;
  /** Lines sold at a loss, left out because utilities must be non-negative. */
  negativeLinesSkipped?: number;
}

export interface JobRow {
  job_id: string;
  store_id: string;
  status: JobStatus;
  options: JobOptions;
  phase: string;
  progress: number;
  failure_reason: string | null;
  statistics: JobStatistics | null;
  truncated: boolean;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface PatternRecord {
  items: string[];
  utilityCents: number;
  support: number;
  supportRatio: number;
  confidence: number;
}

export interface PatternRow {
  rank: number;
  items: string[];
  utility_cents: string;
  support: number;
  support_ratio: number;
  confidence: number;
}

export interface PatternQuery {
  sortBy: 'utility' | 'support' | 'confidence' | 'length';
  order: 'asc' | 'desc';
  minUtilityCents?: number;
  minConfidence?: number;
  minLength?: number;
  maxLength?: number;
  containsItem?: string;
  limit: number;
  offset: number;
}

// Qualified: the select list casts utility_cents to text, and an unqualified name would sort that text.
const SORT_COLUMNS = { utility: 'p.utility_cents', support: 'p.support', confidence: 'p.confidence', length: 'p.length' } as const;

/** Jobs and their patterns; every read names the store. */
@Injectable()
export class JobRepository {
  private readonly t: Record<'jobs' | 'patterns', string>;

  constructor(private readonly dataSource: DataSource) {
    this.t = { jobs: tableIn(dataSource, 'jobs'), patterns: tableIn(dataSource, 'patterns') };
  }

  async create(job: { jobId: string; storeId: string; options: JobOptions }): Promise<JobRow> {
    const rows: JobRow[] = await this.dataSource.query(`INSERT INTO ${this.t.jobs} (job_id, store_id, status, options) VALUES ($1, $2, 'queued', $3::jsonb) RETURNING *`, [job.jobId, job.storeId, JSON.stringify(job.options)]);
    return rows[0];
  }

  async find(storeId: string, jobId: string): Promise<JobRow | undefined> {
    const rows: JobRow[] = await this.dataSource.query(`SELECT * FROM ${this.t.jobs} WHERE store_id = $1 AND job_id = $2`, [storeId, jobId]);
    return rows[0];
  }

  /** For the job runner only, which received the id from a store-scoped call. */
  async findById(jobId: string): Promise<JobRow | undefined> {
    const rows: JobRow[] = await this.dataSource.query(`SELECT * FROM ${this.t.jobs} WHERE job_id = $1`, [jobId]);
    return rows[0];
  }

  async markRunning(jobId: string): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.t.jobs} SET status = 'running', phase = 'reading', started_at = now() WHERE job_id = $1 AND status = 'queued'`, [jobId]);
  }

  async progress(jobId: string, phase: string, progress: number): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.t.jobs} SET phase = $2, progress = $3 WHERE job_id = $1 AND status = 'running'`, [jobId, phase, progress]);
  }

  /** Stores the patterns and completes the job in one transaction: a job is never completed with half its patterns. */
  async complete(jobId: string, patterns: PatternRecord[], statistics: JobStatistics, truncated: boolean): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const updated = await manager.query(
        `UPDATE ${this.t.jobs} SET status = 'completed', phase = 'completed', progress = 1, statistics = $2::jsonb, truncated = $3, finished_at = now() WHERE job_id = $1 AND status = 'running' RETURNING job_id`,
        [jobId, JSON.stringify(statistics), truncated],
      );
      if ((updated as [unknown[], number])[1] === 0) return false; // cancelled meanwhile
      // small statements: in the all-in-one process PGlite runs on the event loop's thread
      for (let start = 0; start < patterns.length; start += 1000) {
        const chunk = patterns.slice(start, start + 1000);
        await manager.query(
          `INSERT INTO ${this.t.patterns} (job_id, rank, items, length, utility_cents, support, support_ratio, confidence)
           SELECT $1, r, string_to_array(i, chr(31)), l, u, s, sr, c FROM unnest($2::int[], $3::text[], $4::int[], $5::bigint[], $6::int[], $7::float8[], $8::float8[]) AS x(r, i, l, u, s, sr, c)`,
          [
            jobId,
            chunk.map((_, k) => start + k + 1),
            chunk.map((p) => p.items.join('\u001f')),
            chunk.map((p) => p.items.length),
            chunk.map((p) => String(p.utilityCents)),
            chunk.map((p) => p.support),
            chunk.map((p) => p.supportRatio),
            chunk.map((p) => p.confidence),
          ],
        );
      }
      return true;
    });
  }

  async fail(jobId: string, status: 'failed' | 'cancelled', reason: string): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.t.jobs} SET status = $2, phase = $2, failure_reason = $3, finished_at = now() WHERE job_id = $1 AND status IN ('queued', 'running')`, [jobId, status, reason]);
  }

  /** Jobs left queued or running by a process that died: never "running" forever. */
  async failInterrupted(): Promise<number> {
    const result = await this.dataSource.query(
      `UPDATE ${this.t.jobs} SET status = 'failed', phase = 'failed', finished_at = now(),
         failure_reason = 'interrupted: the mining service stopped while this job was ' || status || '; start the job again'
       WHERE status IN ('queued', 'running') RETURNING job_id`,
    );
    return (result as [unknown[], number])[1];
  }

  async patterns(storeId: string, jobId: string, query: PatternQuery): Promise<{ rows: PatternRow[]; total: number }> {
    const conditions = ['p.job_id = $1', 'j.store_id = $2'];
    const parameters: unknown[] = [jobId, storeId];
    if (query.minUtilityCents) conditions.push(`p.utility_cents >= $${parameters.push(query.minUtilityCents)}`);
    if (query.minConfidence) conditions.push(`p.confidence >= $${parameters.push(query.minConfidence)}`);
    if (query.minLength) conditions.push(`p.length >= $${parameters.push(query.minLength)}`);
    if (query.maxLength) conditions.push(`p.length <= $${parameters.push(query.maxLength)}`);
    if (query.containsItem) conditions.push(`p.items @> ARRAY[$${parameters.push(query.containsItem)}]::text[]`);
    const where = conditions.join(' AND ');
    const from = `${this.t.patterns} p JOIN ${this.t.jobs} j ON j.job_id = p.job_id`;
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::text AS total FROM ${from} WHERE ${where}`, parameters);
    const order = `${SORT_COLUMNS[query.sortBy]} ${query.order === 'asc' ? 'ASC' : 'DESC'}, p.rank ASC`;
    const rows: PatternRow[] = await this.dataSource.query(
      `SELECT p.rank, p.items, p.utility_cents::text, p.support, p.support_ratio, p.confidence FROM ${from} WHERE ${where} ORDER BY ${order} LIMIT $${parameters.length + 1} OFFSET $${parameters.length + 2}`,
      [...parameters, query.limit, query.offset],
    );
    return { rows, total: Number(total) };
  }
}
