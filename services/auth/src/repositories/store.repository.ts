import type { RegionRecord, StoreRecord } from '../auth.model';
import type { AuthTables, Db } from './db';

interface StoreRow {
  id: string;
  name: string;
  region_id: string | null;
  created_at: Date;
}

const toStore = (row: StoreRow): StoreRecord => ({ id: row.id, name: row.name, regionId: row.region_id, createdAt: row.created_at });

/** Stores and the regions that group them. */
export class StoreRepository {
  constructor(
    private readonly db: Db,
    private readonly t: AuthTables,
  ) {}

  async insertRegion(region: { id: string; name: string }): Promise<RegionRecord> {
    const rows: { id: string; name: string; created_at: Date }[] = await this.db.query(`INSERT INTO ${this.t.regions} (id, name) VALUES ($1, $2) RETURNING id, name, created_at`, [region.id, region.name]);
    return { id: rows[0].id, name: rows[0].name, storeIds: [], createdAt: rows[0].created_at };
  }

  async listRegions(): Promise<RegionRecord[]> {
    const rows: { id: string; name: string; created_at: Date; store_ids: string[] }[] = await this.db.query(
      `SELECT r.id, r.name, r.created_at, coalesce(array_agg(s.id ORDER BY s.id) FILTER (WHERE s.id IS NOT NULL), '{}') AS store_ids
       FROM ${this.t.regions} r LEFT JOIN ${this.t.stores} s ON s.region_id = r.id GROUP BY r.id ORDER BY r.id`,
    );
    return rows.map((row) => ({ id: row.id, name: row.name, storeIds: row.store_ids, createdAt: row.created_at }));
  }

  async regionExists(id: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM ${this.t.regions} WHERE id = $1`, [id]);
    return rows.length > 0;
  }

  async storeIdsOfRegion(regionId: string): Promise<string[]> {
    const rows: { id: string }[] = await this.db.query(`SELECT id FROM ${this.t.stores} WHERE region_id = $1 ORDER BY id`, [regionId]);
    return rows.map((row) => row.id);
  }

  async insertStore(store: { id: string; name: string; regionId: string | null }): Promise<StoreRecord> {
    const rows: StoreRow[] = await this.db.query(`INSERT INTO ${this.t.stores} (id, name, region_id) VALUES ($1, $2, $3) RETURNING id, name, region_id, created_at`, [store.id, store.name, store.regionId]);
    return toStore(rows[0]);
  }

  /** Registers a store or moves it into a region; used by the demo setup, which may run on every start. */
  async upsertStore(store: { id: string; name: string; regionId: string | null }): Promise<StoreRecord> {
    const rows: StoreRow[] = await this.db.query(
      `INSERT INTO ${this.t.stores} (id, name, region_id) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET region_id = EXCLUDED.region_id RETURNING id, name, region_id, created_at`,
      [store.id, store.name, store.regionId],
    );
    return toStore(rows[0]);
  }

  async findStore(id: string): Promise<StoreRecord | undefined> {
    const rows: StoreRow[] = await this.db.query(`SELECT id, name, region_id, created_at FROM ${this.t.stores} WHERE id = $1`, [id]);
    return rows[0] && toStore(rows[0]);
  }

  /** Every store, or only the given ones. */
  async listStores(ids?: string[]): Promise<StoreRecord[]> {
    const rows: StoreRow[] = ids
      ? await this.db.query(`SELECT id, name, region_id, created_at FROM ${this.t.stores} WHERE id = ANY($1) ORDER BY id`, [ids])
      : await this.db.query(`SELECT id, name, region_id, created_at FROM ${this.t.stores} ORDER BY id`);
    return rows.map(toStore);
  }
}
