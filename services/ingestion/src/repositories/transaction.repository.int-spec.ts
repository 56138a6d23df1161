import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import { openDatabase, testDatabaseUrl, uniqueSchema } from '@tessera/db';
import { ingestionMigrations } from '../migrations';
import type { TransactionRecord } from '../transaction.model';
import { copyText, TransactionRepository } from './transaction.repository';

// Issue 16: the POS path stores a batch with COPY into a session-local staging table and one
// insert-select; these cases hold it to the guarantees of the single INSERT it replaces.
const schema = uniqueSchema('ingestion');
let db: DataSource;
let repo: TransactionRepository;

const record = (storeId: string, transactionId: string, extra: Partial<TransactionRecord> = {}): TransactionRecord => ({
  storeId,
  transactionId,
  occurredAt: '2024-05-01T10:00:00.000Z',
  lines: [{ sku: 'A', quantity: 2, unitPriceCents: 125, utilityCents: 250 }],
  source: 'pos',
  ...extra,
});

async function rows(storeId: string): Promise<{ transaction_id: string; customer_hash: string | null; total_utility_cents: string; line_count: number; lines: unknown; source: string; file_id: string | null }[]> {
  return db.query(`SELECT transaction_id, customer_hash, total_utility_cents::text, line_count, lines, source, file_id FROM "${schema}".transactions WHERE store_id = $1 ORDER BY transaction_id`, [storeId]);
}

beforeAll(async () => {
  db = await openDatabase({ url: testDatabaseUrl(), schema, migrations: ingestionMigrations, poolSize: 2 });
  repo = new TransactionRepository(db);
});

afterAll(async () => {
  await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await db?.destroy();
});

test('stores each (store, transaction id) once: existing rows and repeats within the batch are duplicates, first one kept', async () => {
  const first = await db.transaction((m) => repo.copyMany(m, [record('s1', 't1'), record('s2', 't1')]));
  assert.deepEqual([...first.entries()].sort(), [['s1', 1], ['s2', 1]]);
  const again = await db.transaction((m) =>
    repo.copyMany(m, [record('s1', 't1', { customerHash: 'later' }), record('s1', 't2', { customerHash: 'first' }), record('s1', 't2', { customerHash: 'second' }), record('s1', 't3')]),
  );
  assert.deepEqual([...again.entries()], [['s1', 2]]);
  const stored = await rows('s1');
  assert.deepEqual(stored.map((r) => [r.transaction_id, r.customer_hash]), [['t1', null], ['t2', 'first'], ['t3', null]]);
  assert.equal(stored[0].total_utility_cents, '250');
  assert.equal(stored[0].line_count, 1);
});

test('text with tabs, newlines, backslashes and quotes arrives exactly (COPY escaping)', async () => {
  const id = 'a\tb\nc\\d\re"f\\N';
  const lines = [{ sku: 'x\\ty\t"z"\n', name: 'caf\u00e9 \\u0041 \u{1F600}', quantity: 3, unitPriceCents: 100, unitProfitCents: -20, utilityCents: -60 }];
  const result = await db.transaction((m) => repo.copyMany(m, [record('s3', id, { lines, customerHash: 'h\\\t' }), record('s3', '\\N')]));
  assert.equal(result.get('s3'), 2);
  const stored = await rows('s3');
  assert.deepEqual(stored.map((r) => r.transaction_id).sort(), ['\\N', id].sort());
  const row = stored.find((r) => r.transaction_id === id)!;
  assert.deepEqual(row.lines, lines);
  assert.equal(row.customer_hash, 'h\\\t');
  assert.equal(row.total_utility_cents, '-60');
  assert.equal(copyText('plain'), 'plain');
  assert.equal(copyText('a\\b\tc'), 'a\\\\b\\tc');
});

test('nothing is stored if the transaction rolls back, and the staging table is empty for the next batch on the same connection', async () => {
  await assert.rejects(
    db.transaction(async (m) => {
      await repo.copyMany(m, [record('s4', 'r1'), record('s4', 'r2')]);
      throw new Error('the commit fails after the copy');
    }),
    /commit fails/,
  );
  assert.deepEqual(await rows('s4'), []);
  // Pool of 2: these batches reuse the connections, whose staging table must start empty each time.
  for (let i = 0; i < 4; i++) {
    const result = await db.transaction((m) => repo.copyMany(m, [record('s4', `k${i}`)]));
    assert.equal(result.get('s4'), 1);
  }
  assert.deepEqual((await rows('s4')).map((r) => r.transaction_id), ['k0', 'k1', 'k2', 'k3']);
  await db.transaction(async (m) => {
    await repo.copyMany(m, [record('s4', 'k9')]);
    const [{ n }] = await m.query('SELECT count(*)::int AS n FROM pg_temp.pos_copy_stage');
    assert.equal(n, 1);
  });
});

test('refuses to run outside a transaction rather than copying on a connection of its own', async () => {
  await assert.rejects(repo.copyMany(db.manager, [record('s5', 'x')]), /inside a transaction/);
  assert.deepEqual(await rows('s5'), []);
});

test('a NUL in a stored text fails the whole batch (why the validator refuses it before it gets here)', async () => {
  await assert.rejects(db.transaction((m) => repo.copyMany(m, [record('s6', 'ok'), record('s6', 'a\u0000b')])));
  await assert.rejects(db.transaction((m) => repo.copyMany(m, [record('s6', 'ok', { lines: [{ sku: 'lone \ud800', quantity: 1, utilityCents: 1 }] })])));
  assert.deepEqual(await rows('s6'), []);
});
