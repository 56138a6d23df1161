import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openDatabase, tableIn, testDatabaseUrl, uniqueSchema } from '@tessera/db';
import { ingestionMigrations } from '../migrations';
import { ErasureRaceError, IngestionErasureRepository } from './erasure.repository';

// The rows side of erasure against a real Postgres: the file_customers backfill, and a customer
// erasure that refuses to finish while a file holding the customer's rows still has its object.
const schemas: string[] = [];
const opened: DataSource[] = [];

async function open(migrations = ingestionMigrations, schema = uniqueSchema('ingestion_erasure')): Promise<{ db: DataSource; schema: string }> {
  if (!schemas.includes(schema)) schemas.push(schema);
  const db = await openDatabase({ url: testDatabaseUrl(), schema, migrations, poolSize: 2 });
  opened.push(db);
  return { db, schema };
}

async function addFile(db: DataSource, storeId: string, objectKey: string | null): Promise<string> {
  const fileId = randomUUID();
  await db.query(`INSERT INTO ${tableIn(db, 'files')} (file_id, store_id, file_name, format, status, object_key) VALUES ($1, $2, 'f.csv', 'lineitem-csv', 'completed', $3)`, [fileId, storeId, objectKey]);
  return fileId;
}

async function addTransaction(db: DataSource, storeId: string, transactionId: string, customerHash: string | null, fileId: string | null): Promise<void> {
  await db.query(
    `INSERT INTO ${tableIn(db, 'transactions')} (store_id, transaction_id, occurred_at, customer_hash, total_utility_cents, line_count, lines, source, file_id) VALUES ($1, $2, now(), $3, 100, 1, '[]', 'file', $4)`,
    [storeId, transactionId, customerHash, fileId],
  );
}

afterAll(async () => {
  const db = opened[0];
  if (db) await db.query(schemas.map((schema) => `DROP SCHEMA IF EXISTS "${schema}" CASCADE;`).join(' '));
  for (const each of opened) await each.destroy();
});

test('the migration backfills file_customers from stored rows whose file record exists, and its down drops the table', async () => {
  const { db: before, schema } = await open(ingestionMigrations.slice(0, -1));
  const file = await addFile(before, 's1', 'stores/s1/files/a');
  await addTransaction(before, 's1', 't1', 'h1', file);
  await addTransaction(before, 's1', 't2', 'h1', file);
  await addTransaction(before, 's1', 't3', null, file);
  await addTransaction(before, 's1', 't4', 'h2', randomUUID()); // its record was deleted by retention
  await addTransaction(before, 's1', 't5', 'h3', null); // a POS row
  const { db } = await open(ingestionMigrations, schema);
  assert.deepEqual(await db.query(`SELECT file_id, customer_hash FROM "${schema}".file_customers`), [{ file_id: file, customer_hash: 'h1' }]);
  await db.undoLastMigration({ transaction: 'each' });
  assert.deepEqual(await db.query(`SELECT to_regclass($1) AS name`, [`"${schema}".file_customers`]), [{ name: null }]);
  await db.runMigrations({ transaction: 'each' });
});

test("a customer erasure deletes nothing while a file holding the customer's rows keeps its object, and completes once its object was removed", async () => {
  const { db, schema } = await open();
  const repository = new IngestionErasureRepository(db);
  const removed = await addFile(db, 's2', 'stores/s2/files/removed');
  const late = await addFile(db, 's2', 'stores/s2/files/late');
  const elsewhere = await addFile(db, 's3', 'stores/s3/files/x');
  await addTransaction(db, 's2', 't1', 'h', removed);
  await db.query(`INSERT INTO "${schema}".file_customers (file_id, customer_hash) VALUES ($1, 'h'), ($2, 'h'), ($3, 'h')`, [removed, late, elsewhere]);
  assert.deepEqual((await repository.customerFiles('s2', 'h')).map((file) => file.file_id).sort(), [removed, late].sort());

  await assert.rejects(repository.eraseCustomer('s2', 'h', [removed]), ErasureRaceError);
  const state = async () => ({
    transactions: (await db.query(`SELECT transaction_id FROM "${schema}".transactions WHERE customer_hash = 'h'`)).length,
    links: (await db.query(`SELECT file_id FROM "${schema}".file_customers WHERE customer_hash = 'h'`)).length,
    keys: (await db.query(`SELECT object_key FROM "${schema}".files WHERE file_id = ANY($1::uuid[]) ORDER BY object_key`, [[removed, late]])).map((row: { object_key: string | null }) => row.object_key),
  });
  assert.deepEqual(await state(), { transactions: 1, links: 3, keys: ['stores/s2/files/late', 'stores/s2/files/removed'] }, 'rolled back');

  assert.deepEqual(await repository.eraseCustomer('s2', 'h', [removed, late]), { transactions: 1, fileErrors: 0, rejectedEvents: 0 });
  assert.deepEqual(await state(), { transactions: 0, links: 1, keys: [null, null] }, "only the other store's link is left");
  assert.deepEqual(await repository.customerFiles('s2', 'h'), []);
});
