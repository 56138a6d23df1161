// The budget service in a Nest testing module with an in-memory budget repository and bus: the
// rules of a spend (cap, replay, validation, the ledger event) without a database. The real
// repository's SQL and row locks are covered by budget.int-spec.ts.
import assert from 'node:assert/strict';
import { Test } from '@nestjs/testing';
import type { EntityManager } from 'typeorm';
import type { Bus, BusRecord } from '@tessera/bus';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { privacyV1 } from '@tessera/proto';
import { BudgetService, PrivacyRuleError } from './budget.service';
import { BudgetRepository, type BudgetRow, type LedgerRow, type MechanismName } from './repositories/budget.repository';

const LEDGER_TOPIC = 'privacy.ledger.v1';

/** BudgetRepository's contract in memory: one row per store, an append-only ledger. */
class InMemoryBudgets {
  readonly rows = new Map<string, BudgetRow>();
  readonly ledger: LedgerRow[] = [];
  constructor(private readonly defaults: { epsilonCap: number; delta: number }) {}

  private row(storeId: string): BudgetRow {
    let row = this.rows.get(storeId);
    if (!row) {
      row = { store_id: storeId, epsilon_cap: this.defaults.epsilonCap, delta: this.defaults.delta, default_round_epsilon: 1, mechanism: 'discrete-gaussian', hash_patterns: false, spent_rho: '0', release_count: '0', updated_at: new Date(0) };
      this.rows.set(storeId, row);
    }
    return row;
  }
  async get(storeId: string): Promise<BudgetRow> {
    return { ...this.row(storeId) };
  }
  async withLockedBudget<T>(storeId: string, work: (manager: EntityManager, budget: BudgetRow) => Promise<T>): Promise<T> {
    return work({} as EntityManager, { ...this.row(storeId) });
  }
  async findEntry(_manager: EntityManager, storeId: string, roundId: string, releaseId: string): Promise<LedgerRow | undefined> {
    return this.ledger.find((e) => e.store_id === storeId && e.round_id === roundId && e.release_id === releaseId);
  }
  async appendEntry(_manager: EntityManager, entry: { storeId: string; roundId: string; releaseId: string; mechanism: MechanismName; rho: string; parameters: unknown; epsilonAfter: number }) {
    const row = this.row(entry.storeId);
    row.spent_rho = String(Number(row.spent_rho) + Number(entry.rho));
    row.release_count = String(Number(row.release_count) + 1);
    const appended: LedgerRow = {
      entry_id: String(this.ledger.length + 1),
      store_id: entry.storeId,
      round_id: entry.roundId,
      release_id: entry.releaseId,
      mechanism: entry.mechanism,
      rho: entry.rho,
      parameters: entry.parameters,
      total_rho_after: row.spent_rho,
      epsilon_after: entry.epsilonAfter,
      created_at: new Date(0),
    };
    this.ledger.push(appended);
    return { entry: appended, budget: { ...row } };
  }
  async updateConfig(storeId: string, changes: Partial<BudgetRow>): Promise<BudgetRow> {
    Object.assign(this.row(storeId), changes);
    return { ...this.row(storeId) };
  }
  async listEntries(storeId: string, limit: number, offset: number) {
    const entries = this.ledger.filter((e) => e.store_id === storeId).reverse();
    return { entries: entries.slice(offset, offset + limit), total: entries.length };
  }
}

class RecordingBus {
  readonly published: { topic: string; records: BusRecord[] }[] = [];
  failNext = false;
  async publish(topic: string, records: BusRecord[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('broker unavailable');
    }
    this.published.push({ topic, records });
  }
}

async function setUp() {
  const budgets = new InMemoryBudgets({ epsilonCap: 4, delta: 1e-6 });
  const bus = new RecordingBus();
  const errors: unknown[] = [];
  const logger = { error: (details: unknown) => errors.push(details), warn: () => undefined, info: () => undefined, debug: () => undefined } as unknown as Logger;
  const moduleRef = await Test.createTestingModule({
    providers: [
      { provide: BudgetRepository, useValue: budgets },
      {
        provide: BudgetService,
        inject: [BudgetRepository],
        useFactory: (repository: BudgetRepository) => new BudgetService(repository, bus as unknown as Bus, LEDGER_TOPIC, logger, new ServiceMetrics('privacy-test')),
      },
    ],
  }).compile();
  return { service: moduleRef.get(BudgetService), budgets, bus, errors, moduleRef };
}

const spend = (overrides: Partial<Parameters<BudgetService['spend']>[0]> = {}) => ({ storeId: 'store-1', roundId: 'round-1', releaseId: 'patterns', mechanism: 'discrete-gaussian' as const, rho: 0.05, parameters: { sigma: 3 }, ...overrides });

test('a spend within the cap is granted, recorded once in the ledger and announced on privacy.ledger.v1', async () => {
  const { service, budgets, bus, moduleRef } = await setUp();
  const result = await service.spend(spend());
  assert.equal(result.granted, true);
  assert.equal(result.replayed, false);
  assert.equal(budgets.ledger.length, 1);
  assert.equal(result.budget.spentRho, 0.05);
  assert.equal(result.budget.releaseCount, 1);
  assert.equal(bus.published.length, 1);
  assert.equal(bus.published[0].topic, LEDGER_TOPIC);
  const event = privacyV1.LedgerEntryRecorded.decode(bus.published[0].records[0].value as Buffer);
  assert.equal(event.storeId, 'store-1');
  assert.equal(event.roundId, 'round-1');
  assert.equal(event.rho, 0.05);
  assert.equal(bus.published[0].records[0].key, 'store-1', 'keyed by store: one store, one partition, in order');
  await moduleRef.close();
});

test('the same (round, release) again is answered from the ledger: not paid twice, not announced twice', async () => {
  const { service, budgets, bus } = await setUp();
  const first = await service.spend(spend());
  const again = await service.spend(spend({ rho: 0.07 }));
  assert.equal(again.granted, true);
  assert.equal(again.replayed, true);
  assert.equal(again.entry?.entry_id, first.entry?.entry_id);
  assert.equal(budgets.ledger.length, 1);
  assert.equal((await service.get('store-1')).spentRho, 0.05);
  assert.equal(bus.published.length, 1);
});

test('a release that would pass the cap is refused with the cap in the reason, and nothing is recorded', async () => {
  const { service, budgets, bus } = await setUp();
  const refused = await service.spend(spend({ rho: 50 }));
  assert.equal(refused.granted, false);
  assert.match(refused.reason ?? '', /above its cap 4/);
  assert.equal(budgets.ledger.length, 0);
  assert.equal(bus.published.length, 0);
  assert.equal((await service.get('store-1')).spentRho, 0);
});

test('bad requests are refused before the budget is touched', async () => {
  const { service, budgets } = await setUp();
  for (const rho of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) await assert.rejects(service.spend(spend({ rho })), PrivacyRuleError);
  await assert.rejects(service.spend(spend({ roundId: '' })), /roundId and releaseId are required/);
  await assert.rejects(service.updateConfig('store-1', { epsilonCap: 0 }, 'admin'), /epsilonCap must be in \(0, 100\]/);
  await assert.rejects(service.updateConfig('store-1', { defaultRoundEpsilon: 101 }, 'admin'), /defaultRoundEpsilon/);
  assert.equal(budgets.ledger.length, 0);
});

test('a bus outage after the commit does not undo or fail the spend; it is logged', async () => {
  const { service, budgets, bus, errors } = await setUp();
  bus.failNext = true;
  const result = await service.spend(spend());
  assert.equal(result.granted, true);
  assert.equal(budgets.ledger.length, 1);
  assert.equal(errors.length, 1);
});

test('the ledger page size is clamped to 1..500', async () => {
  const { service } = await setUp();
  for (let i = 0; i < 3; i++) await service.spend(spend({ releaseId: `r${i}`, rho: 0.01 }));
  assert.equal((await service.ledger('store-1', 2, 0)).entries.length, 2);
  assert.equal((await service.ledger('store-1', 0, 0)).entries.length, 3, '0 means the default page');
  assert.equal((await service.ledger('store-1', 10, -5)).entries.length, 3, 'a negative offset is 0');
});
