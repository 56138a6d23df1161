import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { tableIn } from '@tessera/db';
import { BUDGET_DEFAULTS } from '../privacy.tokens';

export type MechanismName = 'discrete-gaussian' | 'discrete-laplace';

export interface BudgetRow {
  store_id: string;
  epsilon_cap: number;
  delta: number;
  default_round_epsilon: number;
  mechanism: MechanismName;
  hash_patterns: boolean;
  spent_rho: string;
  release_count: string;
  updated_at: Date;
}

export interface BudgetDefaults {
  epsilonCap: number;
  delta: number;
  defaultRoundEpsilon: number;
}

export interface LedgerRow {
  entry_id: string;
  store_id: string;
  round_id: string;
  release_id: string;
  mechanism: MechanismName;
  rho: string;
  parameters: unknown;
  total_rho_after: string;
  epsilon_after: number;
  created_at: Date;
}

const BUDGET_COLUMNS = 'store_id, epsilon_cap, delta, default_round_epsilon, mechanism, hash_patterns, spent_rho::text, release_count::text, updated_at';
const LEDGER_COLUMNS = 'entry_id::text, store_id, round_id, release_id, mechanism, rho::text, parameters, total_rho_after::text, epsilon_after, created_at';

/** Budgets and the append-only ledger; every method names the store it touches. */
@Injectable()
export class BudgetRepository {
  private readonly t: Record<'budgets' | 'ledger' | 'config_changes', string>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(BUDGET_DEFAULTS) private readonly defaults: BudgetDefaults,
  ) {
    this.t = { budgets: tableIn(dataSource, 'budgets'), ledger: tableIn(dataSource, 'ledger'), config_changes: tableIn(dataSource, 'config_changes') };
  }

  private async ensure(manager: EntityManager, storeId: string): Promise<void> {
    await manager.query(
      `INSERT INTO ${this.t.budgets} (store_id, epsilon_cap, delta, default_round_epsilon, mechanism) VALUES ($1, $2, $3, $4, 'discrete-gaussian') ON CONFLICT (store_id) DO NOTHING`,
      [storeId, this.defaults.epsilonCap, this.defaults.delta, this.defaults.defaultRoundEpsilon],
    );
  }

  async get(storeId: string): Promise<BudgetRow> {
    await this.ensure(this.dataSource.manager, storeId);
    const rows: BudgetRow[] = await this.dataSource.query(`SELECT ${BUDGET_COLUMNS} FROM ${this.t.budgets} WHERE store_id = $1`, [storeId]);
    return rows[0];
  }

  /** Runs `work` holding the store's budget row lock, so spends on one store serialise. */
  async withLockedBudget<T>(storeId: string, work: (manager: EntityManager, budget: BudgetRow) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await this.ensure(manager, storeId);
      const rows: BudgetRow[] = await manager.query(`SELECT ${BUDGET_COLUMNS} FROM ${this.t.budgets} WHERE store_id = $1 FOR UPDATE`, [storeId]);
      return work(manager, rows[0]);
    });
  }

  async findEntry(manager: EntityManager, storeId: string, roundId: string, releaseId: string): Promise<LedgerRow | undefined> {
    const rows: LedgerRow[] = await manager.query(`SELECT ${LEDGER_COLUMNS} FROM ${this.t.ledger} WHERE store_id = $1 AND round_id = $2 AND release_id = $3`, [storeId, roundId, releaseId]);
    return rows[0];
  }

  /** Appends a ledger entry and adds its rho to the budget, in the caller's locked transaction. */
  async appendEntry(
    manager: EntityManager,
    entry: { storeId: string; roundId: string; releaseId: string; mechanism: MechanismName; rho: string; parameters: unknown; epsilonAfter: number },
  ): Promise<{ entry: LedgerRow; budget: BudgetRow }> {
    const budgets: BudgetRow[] = await manager.query(
      `UPDATE ${this.t.budgets} SET spent_rho = spent_rho + $2::numeric, release_count = release_count + 1, updated_at = now() WHERE store_id = $1 RETURNING ${BUDGET_COLUMNS}`,
      [entry.storeId, entry.rho],
    );
    // TypeORM answers UPDATE ... RETURNING with [rows, affectedCount].
    const budget = (budgets as unknown as [BudgetRow[], number])[0][0];
    const entries: LedgerRow[] = await manager.query(
      `INSERT INTO ${this.t.ledger} (store_id, round_id, release_id, mechanism, rho, parameters, total_rho_after, epsilon_after)
       VALUES ($1, $2, $3, $4, $5::numeric, $6::jsonb, $7::numeric, $8) RETURNING ${LEDGER_COLUMNS}`,
      [entry.storeId, entry.roundId, entry.releaseId, entry.mechanism, entry.rho, JSON.stringify(entry.parameters), budget.spent_rho, entry.epsilonAfter],
    );
    return { entry: entries[0], budget };
  }

  async updateConfig(storeId: string, changes: Partial<{ epsilon_cap: number; default_round_epsilon: number; mechanism: MechanismName; hash_patterns: boolean }>, changedBy: string): Promise<BudgetRow> {
    return this.withLockedBudget(storeId, async (manager) => {
      const columns = Object.keys(changes) as (keyof typeof changes)[];
      if (columns.length > 0) {
        const assignments = columns.map((column, i) => `${column} = $${i + 2}`).join(', ');
        await manager.query(`UPDATE ${this.t.budgets} SET ${assignments}, updated_at = now() WHERE store_id = $1`, [storeId, ...columns.map((c) => changes[c])]);
        await manager.query(`INSERT INTO ${this.t.config_changes} (store_id, changed_by, changes) VALUES ($1, $2, $3::jsonb)`, [storeId, changedBy || 'unknown', JSON.stringify(changes)]);
      }
      const rows: BudgetRow[] = await manager.query(`SELECT ${BUDGET_COLUMNS} FROM ${this.t.budgets} WHERE store_id = $1`, [storeId]);
      return rows[0];
    });
  }

  async listEntries(storeId: string, limit: number, offset: number): Promise<{ entries: LedgerRow[]; total: number }> {
    const entries: LedgerRow[] = await this.dataSource.query(`SELECT ${LEDGER_COLUMNS} FROM ${this.t.ledger} WHERE store_id = $1 ORDER BY entry_id DESC LIMIT $2 OFFSET $3`, [storeId, limit, offset]);
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::text AS total FROM ${this.t.ledger} WHERE store_id = $1`, [storeId]);
    return { entries, total: Number(total) };
  }
}
