import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { createLogger, ServiceMetrics } from '@tessera/common';
import { openDatabase, testDatabaseUrl, uniqueSchema } from '@tessera/db';
import { createInProcessBus } from '@tessera/bus';
import { rhoCap } from '@tessera/privacy';
import { privacyMigrations } from './migrations';
import { BudgetRepository } from './repositories/budget.repository';
import { BudgetService } from './budget.service';

const schema = uniqueSchema('privacy');
let dataSource: DataSource;
let budgets: BudgetService;
const bus = createInProcessBus();
const announced: string[] = [];

beforeAll(async () => {
  dataSource = await openDatabase({ url: testDatabaseUrl(), schema, migrations: privacyMigrations, poolSize: 20 });
  budgets = new BudgetService(new BudgetRepository(dataSource, { epsilonCap: 10, delta: 1e-5, defaultRoundEpsilon: 1 }), bus, 'privacy.ledger.v1', createLogger('privacy-test', 'silent'), new ServiceMetrics('privacy-test'));
  await bus.subscribe({ groupId: 'test', topics: ['privacy.ledger.v1'], fromBeginning: true }, async (batch) => void announced.push(...batch.map((m) => m.key!)));
});

afterAll(async () => {
  await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
  await dataSource.destroy();
  await bus.close();
});

test('50 concurrent spends against a budget that allows 10 grant exactly 10', async () => {
  const storeId = 'store-concurrent';
  // Cap epsilon 2 at delta 1e-5; each spend costs a bit more than a tenth of the cap's rho.
  await budgets.updateConfig(storeId, { epsilonCap: 2 }, 'test');
  const perSpend = rhoCap(2, 1e-5) / 10.5;
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) => budgets.spend({ storeId, roundId: `round-${i}`, releaseId: 'measurement', mechanism: 'discrete-gaussian', rho: perSpend, parameters: { i } })),
  );
  assert.equal(results.filter((r) => r.granted).length, 10);
  const refused = results.filter((r) => !r.granted);
  assert.equal(refused.length, 40);
  assert.match(refused[0].reason!, /above its cap|budget is spent/);
  const budget = await budgets.get(storeId);
  assert.equal(budget.releaseCount, 10);
  assert.ok(budget.spentEpsilon <= 2, `spent epsilon ${budget.spentEpsilon} must stay within the cap`);
  const { entries, total } = await budgets.ledger(storeId, 100, 0);
  assert.equal(total, 10);
  assert.equal(new Set(entries.map((e) => e.round_id)).size, 10);
});

test('paying twice for the same round and release spends once', async () => {
  const storeId = 'store-replay';
  const first = await budgets.spend({ storeId, roundId: 'r1', releaseId: 'measurement', mechanism: 'discrete-gaussian', rho: 0.01, parameters: {} });
  const again = await Promise.all([1, 2, 3].map(() => budgets.spend({ storeId, roundId: 'r1', releaseId: 'measurement', mechanism: 'discrete-gaussian', rho: 0.01, parameters: {} })));
  assert.ok(first.granted && !first.replayed);
  assert.ok(again.every((r) => r.granted && r.replayed));
  assert.equal((await budgets.get(storeId)).releaseCount, 1);
});

test('a store whose budget is spent is refused with a reason and still reads its ledger', async () => {
  const storeId = 'store-spent';
  await budgets.updateConfig(storeId, { epsilonCap: 1 }, 'test');
  const all = await budgets.spend({ storeId, roundId: 'big', releaseId: 'm', mechanism: 'discrete-gaussian', rho: rhoCap(1, 1e-5), parameters: {} });
  assert.ok(all.granted);
  const refused = await budgets.spend({ storeId, roundId: 'next', releaseId: 'm', mechanism: 'discrete-gaussian', rho: 1e-9, parameters: {} });
  assert.equal(refused.granted, false);
  assert.match(refused.reason!, /budget is spent .* keeps what it already received/);
  const budget = await budgets.get(storeId);
  assert.equal(budget.exhausted, true);
  assert.equal((await budgets.ledger(storeId, 10, 0)).total, 1);
});

test('the ledger is append-only in the database itself', async () => {
  const storeId = 'store-append-only';
  await budgets.spend({ storeId, roundId: 'r', releaseId: 'm', mechanism: 'discrete-laplace', rho: 0.02, parameters: {} });
  await assert.rejects(dataSource.query(`UPDATE "${schema}".ledger SET rho = 0.0001 WHERE store_id = $1`, [storeId]), /append-only/);
  await assert.rejects(dataSource.query(`DELETE FROM "${schema}".ledger WHERE store_id = $1`, [storeId]), /append-only/);
});

test('invalid spends and configuration are refused', async () => {
  await assert.rejects(budgets.spend({ storeId: 's', roundId: 'r', releaseId: 'm', mechanism: 'discrete-gaussian', rho: -1, parameters: {} }), /rho must be a positive/);
  await assert.rejects(budgets.updateConfig('s', { epsilonCap: 1000 }, 'test'), /epsilonCap/);
});

test('each committed spend is announced on privacy.ledger.v1', async () => {
  const deadline = Date.now() + 2000;
  while (!announced.includes('store-append-only') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(announced.includes('store-append-only'));
  assert.equal(announced.filter((k) => k === 'store-concurrent').length, 10, 'one event per granted spend, none for refusals');
});
