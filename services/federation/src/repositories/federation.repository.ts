import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { tableIn } from '@tessera/db';

export type RoundStatus = 'pending' | 'proposing' | 'key_setup' | 'measuring' | 'unmasking' | 'completed' | 'failed';
export type ParticipantState = 'invited' | 'joined' | 'declined' | 'proposed' | 'contributed' | 'dropped';

export type RoundKind = 'itemsets' | 'demand-series' | 'price-response';
export type DemandPeriod = 'day' | 'week' | 'month';

/** Settings of the demand-series and price-response kinds (absent on itemset rounds). */
export interface StatisticsSettings {
  /** Explicit SKUs, or (when empty) the top N items of the latest completed itemset round. */
  catalogue: { skus: string[]; topItems: number };
  period: DemandPeriod;
  /** ISO dates, inclusive; resolved when the round starts. */
  fromDate: string;
  toDate: string;
  demandBounds: { maxQuantityPerTransaction: number; maxRevenueCentsPerTransaction: number };
  priceBounds: { minUnitPriceCents: number; maxUnitPriceCents: number; maxQuantity: number; referenceUnitPricesCents?: number[]; priceBand?: number };
}

export interface RoundSettings extends Partial<StatisticsSettings> {
  /** Absent on rounds started before round kinds existed: itemsets. */
  kind?: RoundKind;
  minStores: number;
  epsilon: number;
  delta: number;
  kThreshold: number;
  minUtilityFraction: number;
  maxPatternLength: number;
  topM: number;
  stageTimeoutSeconds: number;
  storeIds: string[];
}

export interface RoundRow {
  round_id: string;
  status: RoundStatus;
  config: RoundSettings;
  failure_reason: string | null;
  candidate_count: number;
  pattern_count: number;
  utility_sigma_cents: number | null;
  support_sigma: number | null;
  /** Itemset rounds: the noisy transaction count and its noise σ (null before it was measured). */
  transaction_count: number | null;
  transaction_count_sigma: number | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
}

export interface ParticipantRow {
  store_id: string;
  state: ParticipantState;
  reason: string | null;
}

/** The noisy support of a part of a published bundle (see libs/federated decode.ts). */
export interface SubsetSupportRecord {
  items: string[];
  support: number;
  supportLow95: number;
  supportHigh95: number;
}

export interface GlobalPatternRecord {
  items: string[];
  aggregatedUtilityCents: number;
  globalSupport: number;
  contributingStores: number;
  coverage: number;
  intervalLowCents: number;
  intervalHighCents: number;
}

export interface DemandSeriesPointRecord {
  sku: string;
  /** ISO date of the period's first day. */
  periodStart: string;
  quantity: number;
  revenueCents: number;
  quantitySigma: number;
  revenueSigmaCents: number;
  quantityLow95: number;
  quantityHigh95: number;
  revenueLow95Cents: number;
  revenueHigh95Cents: number;
}

export interface ItemElasticityRecord {
  sku: string;
  /** Undefined when the noisy statistics admit no fit (too few observations or no price variation). */
  elasticity?: number;
  stdError?: number;
  low95?: number;
  high95?: number;
  observations: number;
}

export function kindOf(settings: Pick<RoundSettings, 'kind'>): RoundKind {
  return settings.kind ?? 'itemsets';
}

export interface GlobalPatternRow {
  rank: number;
  items: string[];
  aggregated_utility_cents: number;
  global_support: number;
  contributing_stores: number;
  coverage: number;
  interval_low_cents: number;
  interval_high_cents: number;
}

/** Stores, rounds, participation and published patterns of the hub. */
@Injectable()
export class FederationRepository {
  private readonly t: Record<'stores' | 'rounds' | 'round_participants' | 'global_patterns' | 'subset_supports' | 'demand_series_points' | 'price_responses', string>;

  constructor(private readonly dataSource: DataSource) {
    this.t = {
      stores: tableIn(dataSource, 'stores'),
      rounds: tableIn(dataSource, 'rounds'),
      round_participants: tableIn(dataSource, 'round_participants'),
      global_patterns: tableIn(dataSource, 'global_patterns'),
      subset_supports: tableIn(dataSource, 'subset_supports'),
      demand_series_points: tableIn(dataSource, 'demand_series_points'),
      price_responses: tableIn(dataSource, 'price_responses'),
    };
  }

  async enrol(storeId: string, publicKey: Buffer): Promise<{ store_id: string; identity_public_key: Buffer; enrolled_at: Date }> {
    const rows = await this.dataSource.query(
      `INSERT INTO ${this.t.stores} (store_id, identity_public_key) VALUES ($1, $2)
       ON CONFLICT (store_id) DO UPDATE SET identity_public_key = EXCLUDED.identity_public_key, enrolled_at = now() RETURNING *`,
      [storeId, publicKey],
    );
    return rows[0];
  }

  async stores(): Promise<{ store_id: string; identity_public_key: Buffer; enrolled_at: Date }[]> {
    return this.dataSource.query(`SELECT * FROM ${this.t.stores} ORDER BY store_id`);
  }

  async identityKey(storeId: string): Promise<Buffer | undefined> {
    const rows = await this.dataSource.query(`SELECT identity_public_key FROM ${this.t.stores} WHERE store_id = $1`, [storeId]);
    return rows[0]?.identity_public_key;
  }

  async createRound(roundId: string, config: RoundSettings, requestedBy: string): Promise<RoundRow> {
    const rows = await this.dataSource.query(`INSERT INTO ${this.t.rounds} (round_id, status, config, requested_by) VALUES ($1, 'pending', $2::jsonb, $3) RETURNING *`, [roundId, JSON.stringify(config), requestedBy]);
    return rows[0];
  }

  async setStatus(roundId: string, status: RoundStatus, extra: { failureReason?: string; candidateCount?: number; utilitySigma?: number; supportSigma?: number } = {}): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.t.rounds} SET status = $2, updated_at = now(),
         failure_reason = coalesce($3, failure_reason), candidate_count = coalesce($4, candidate_count),
         utility_sigma_cents = coalesce($5, utility_sigma_cents), support_sigma = coalesce($6, support_sigma),
         completed_at = CASE WHEN $2 IN ('completed', 'failed') THEN now() ELSE completed_at END
       WHERE round_id = $1`,
      [roundId, status, extra.failureReason ?? null, extra.candidateCount ?? null, extra.utilitySigma ?? null, extra.supportSigma ?? null],
    );
  }

  async setParticipant(roundId: string, storeId: string, state: ParticipantState, reason?: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.t.round_participants} (round_id, store_id, state, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (round_id, store_id) DO UPDATE SET state = EXCLUDED.state, reason = EXCLUDED.reason`,
      [roundId, storeId, state, reason ?? null],
    );
  }

  /** Publishes a round's patterns (with the supports of their parts and the transaction count) and completes it in one transaction. */
  async complete(
    roundId: string,
    patterns: GlobalPatternRecord[],
    noise?: { utilitySigma: number; supportSigma: number; transactionCount?: number; transactionCountSigma?: number },
    subsetSupports: SubsetSupportRecord[] = [],
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (let start = 0; start < subsetSupports.length; start += 2000) {
        const chunk = subsetSupports.slice(start, start + 2000);
        await manager.query(
          `INSERT INTO ${this.t.subset_supports} (round_id, items, support, support_low95, support_high95)
           SELECT $1, string_to_array(i, chr(31)), s, lo, hi FROM unnest($2::text[], $3::float8[], $4::float8[], $5::float8[]) AS x(i, s, lo, hi)`,
          [roundId, chunk.map((p) => p.items.join('\u001f')), chunk.map((p) => p.support), chunk.map((p) => p.supportLow95), chunk.map((p) => p.supportHigh95)],
        );
      }
      for (let start = 0; start < patterns.length; start += 2000) {
        const chunk = patterns.slice(start, start + 2000);
        await manager.query(
          `INSERT INTO ${this.t.global_patterns} (round_id, rank, items, aggregated_utility_cents, global_support, contributing_stores, coverage, interval_low_cents, interval_high_cents)
           SELECT $1, r, string_to_array(i, chr(31)), u, s, c, cv, lo, hi FROM unnest($2::int[], $3::text[], $4::float8[], $5::float8[], $6::int[], $7::float8[], $8::float8[], $9::float8[]) AS x(r, i, u, s, c, cv, lo, hi)`,
          [
            roundId,
            chunk.map((_, k) => start + k + 1),
            chunk.map((p) => p.items.join('\u001f')),
            chunk.map((p) => p.aggregatedUtilityCents),
            chunk.map((p) => p.globalSupport),
            chunk.map((p) => p.contributingStores),
            chunk.map((p) => p.coverage),
            chunk.map((p) => p.intervalLowCents),
            chunk.map((p) => p.intervalHighCents),
          ],
        );
      }
      await manager.query(
        `UPDATE ${this.t.rounds} SET status = 'completed', pattern_count = $2, utility_sigma_cents = coalesce($3, utility_sigma_cents), support_sigma = coalesce($4, support_sigma),
           transaction_count = coalesce($5, transaction_count), transaction_count_sigma = coalesce($6, transaction_count_sigma), updated_at = now(), completed_at = now() WHERE round_id = $1`,
        [roundId, patterns.length, noise?.utilitySigma ?? null, noise?.supportSigma ?? null, noise?.transactionCount ?? null, noise?.transactionCountSigma ?? null],
      );
    });
  }

  async findRound(roundId: string): Promise<{ round: RoundRow; participants: ParticipantRow[] } | undefined> {
    const rows: RoundRow[] = await this.dataSource.query(`SELECT * FROM ${this.t.rounds} WHERE round_id = $1`, [roundId]);
    if (!rows[0]) return undefined;
    const participants: ParticipantRow[] = await this.dataSource.query(`SELECT store_id, state, reason FROM ${this.t.round_participants} WHERE round_id = $1 ORDER BY store_id`, [roundId]);
    return { round: rows[0], participants };
  }

  async listRounds(limit: number, offset: number): Promise<{ rounds: RoundRow[]; total: number }> {
    const rounds: RoundRow[] = await this.dataSource.query(`SELECT * FROM ${this.t.rounds} ORDER BY created_at DESC LIMIT $1 OFFSET $2`, [limit, offset]);
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::text AS total FROM ${this.t.rounds}`);
    return { rounds, total: Number(total) };
  }

  async participants(roundIds: string[]): Promise<Map<string, ParticipantRow[]>> {
    if (roundIds.length === 0) return new Map();
    const rows: (ParticipantRow & { round_id: string })[] = await this.dataSource.query(`SELECT round_id, store_id, state, reason FROM ${this.t.round_participants} WHERE round_id = ANY($1) ORDER BY store_id`, [roundIds]);
    const byRound = new Map<string, ParticipantRow[]>();
    for (const row of rows) byRound.set(row.round_id, [...(byRound.get(row.round_id) ?? []), row]);
    return byRound;
  }

  /** The latest completed round of a kind (rounds without a kind are itemset rounds). */
  async latestCompletedRoundId(kind: RoundKind = 'itemsets'): Promise<string | undefined> {
    const rows = await this.dataSource.query(`SELECT round_id FROM ${this.t.rounds} WHERE status = 'completed' AND coalesce(config->>'kind', 'itemsets') = $1 ORDER BY completed_at DESC LIMIT 1`, [kind]);
    return rows[0]?.round_id;
  }

  /** Publishes a demand-series round's noisy points and completes it in one transaction. */
  async completeDemandSeries(roundId: string, points: DemandSeriesPointRecord[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (let start = 0; start < points.length; start += 2000) {
        const chunk = points.slice(start, start + 2000);
        const column = (pick: (p: DemandSeriesPointRecord) => number) => chunk.map(pick);
        await manager.query(
          `INSERT INTO ${this.t.demand_series_points} (round_id, sku, period_start, quantity, revenue_cents, quantity_sigma, revenue_sigma_cents, quantity_low95, quantity_high95, revenue_low95_cents, revenue_high95_cents)
           SELECT $1, s, d, q, r, qs, rs, ql, qh, rl, rh FROM unnest($2::text[], $3::date[], $4::float8[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[]) AS x(s, d, q, r, qs, rs, ql, qh, rl, rh)`,
          [
            roundId,
            chunk.map((p) => p.sku),
            chunk.map((p) => p.periodStart),
            column((p) => p.quantity),
            column((p) => p.revenueCents),
            column((p) => p.quantitySigma),
            column((p) => p.revenueSigmaCents),
            column((p) => p.quantityLow95),
            column((p) => p.quantityHigh95),
            column((p) => p.revenueLow95Cents),
            column((p) => p.revenueHigh95Cents),
          ],
        );
      }
      await manager.query(`UPDATE ${this.t.rounds} SET status = 'completed', pattern_count = $2, updated_at = now(), completed_at = now() WHERE round_id = $1`, [roundId, points.length]);
    });
  }

  async demandSeries(roundId: string, skus: string[]): Promise<DemandSeriesPointRecord[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT sku, to_char(period_start, 'YYYY-MM-DD') AS period_start, quantity, revenue_cents, quantity_sigma, revenue_sigma_cents, quantity_low95, quantity_high95, revenue_low95_cents, revenue_high95_cents
       FROM ${this.t.demand_series_points} WHERE round_id = $1 AND (cardinality($2::text[]) = 0 OR sku = ANY($2::text[])) ORDER BY sku, period_start`,
      [roundId, skus],
    );
    return rows.map((r) => ({
      sku: r.sku as string,
      periodStart: r.period_start as string,
      quantity: r.quantity as number,
      revenueCents: r.revenue_cents as number,
      quantitySigma: r.quantity_sigma as number,
      revenueSigmaCents: r.revenue_sigma_cents as number,
      quantityLow95: r.quantity_low95 as number,
      quantityHigh95: r.quantity_high95 as number,
      revenueLow95Cents: r.revenue_low95_cents as number,
      revenueHigh95Cents: r.revenue_high95_cents as number,
    }));
  }

  /** Publishes a price-response round's fitted elasticities and completes it in one transaction. */
  async completePriceResponses(roundId: string, items: ItemElasticityRecord[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (items.length)
        await manager.query(
          `INSERT INTO ${this.t.price_responses} (round_id, sku, elasticity, std_error, low95, high95, observations)
           SELECT $1, s, e, se, lo, hi, n FROM unnest($2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[]) AS x(s, e, se, lo, hi, n)`,
          [roundId, items.map((i) => i.sku), items.map((i) => i.elasticity ?? null), items.map((i) => i.stdError ?? null), items.map((i) => i.low95 ?? null), items.map((i) => i.high95 ?? null), items.map((i) => i.observations)],
        );
      await manager.query(`UPDATE ${this.t.rounds} SET status = 'completed', pattern_count = $2, updated_at = now(), completed_at = now() WHERE round_id = $1`, [roundId, items.length]);
    });
  }

  async priceResponses(roundId: string): Promise<ItemElasticityRecord[]> {
    const rows: Record<string, number | string | null>[] = await this.dataSource.query(`SELECT sku, elasticity, std_error, low95, high95, observations FROM ${this.t.price_responses} WHERE round_id = $1 ORDER BY sku`, [roundId]);
    const optional = (value: number | string | null) => (value === null ? undefined : Number(value));
    return rows.map((r) => ({ sku: r.sku as string, elasticity: optional(r.elasticity), stdError: optional(r.std_error), low95: optional(r.low95), high95: optional(r.high95), observations: Number(r.observations) }));
  }

  /** Items with the highest aggregated utility over the patterns of a completed itemset round (a public release). */
  async topItems(roundId: string, limit: number): Promise<string[]> {
    const rows: { item: string }[] = await this.dataSource.query(
      `SELECT item FROM ${this.t.global_patterns}, unnest(items) AS item WHERE round_id = $1 GROUP BY item ORDER BY sum(aggregated_utility_cents) DESC, item LIMIT $2`,
      [roundId, limit],
    );
    return rows.map((r) => r.item);
  }

  /** The published supports of the parts of a round's bundles, in item order. */
  async subsetSupports(roundId: string): Promise<SubsetSupportRecord[]> {
    const rows: { items: string[]; support: number; support_low95: number; support_high95: number }[] = await this.dataSource.query(
      `SELECT items, support, support_low95, support_high95 FROM ${this.t.subset_supports} WHERE round_id = $1 ORDER BY cardinality(items), items`,
      [roundId],
    );
    return rows.map((r) => ({ items: r.items, support: r.support, supportLow95: r.support_low95, supportHigh95: r.support_high95 }));
  }

  async patterns(roundId: string, limit: number, offset: number): Promise<{ patterns: GlobalPatternRow[]; total: number }> {
    const patterns: GlobalPatternRow[] = await this.dataSource.query(`SELECT rank, items, aggregated_utility_cents, global_support, contributing_stores, coverage, interval_low_cents, interval_high_cents FROM ${this.t.global_patterns} WHERE round_id = $1 ORDER BY rank LIMIT $2 OFFSET $3`, [roundId, limit, offset]);
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::text AS total FROM ${this.t.global_patterns} WHERE round_id = $1`, [roundId]);
    return { patterns, total: Number(total) };
  }

  /** Rounds a dead process left mid-way: failed, with what happened. */
  async failInterrupted(): Promise<number> {
    const result = await this.dataSource.query(
      `UPDATE ${this.t.rounds} SET status = 'failed', updated_at = now(), completed_at = now(),
         failure_reason = 'interrupted: the federation service stopped during the ' || status || ' stage; nothing was published; start a new round'
       WHERE status NOT IN ('completed', 'failed') RETURNING round_id`,
    );
    return (result as [unknown[], number])[1];
  }
}
