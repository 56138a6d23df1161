/**
 * Audit retention on real Postgres: a sweep from the scheduler deletes audit events older than
 * its cutoff through the one deliberate exception to the append-only trigger, keeps the
 * younger ones, records itself in the log, and confirms; plain DELETE stays refused.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createInProcessBus, type BusMessage } from '@tessera/bus';
import { testDatabaseUrl, uniqueSchema } from '@tessera/db';
import { schedulerV1 } from '@tessera/proto';
import { startAuthService, type AuthService } from '../main';
import { generateSigningKey } from '../tokens/signing-keys';
import { RETENTION_TOPICS } from './audit-retention.controller';

const schema = uniqueSchema('authret');
const bus = createInProcessBus();
const confirmations: schedulerV1.ErasureConfirmed[] = [];
let service: AuthService;
let pool: Pool;
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);

async function insertEvent(action: string, occurredAt: Date, storeId: string | null = null) {
  await pool.query(`INSERT INTO "${schema}".audit_events (occurred_at, actor_type, actor_id, action, store_id, outcome) VALUES ($1, 'system', 'test', $2, $3, 'success')`, [occurredAt, action, storeId]);
}
const actions = async () => (await pool.query(`SELECT action FROM "${schema}".audit_events WHERE actor_id = 'test' ORDER BY action`)).rows.map((row: { action: string }) => row.action);

async function sweep(dataClass: string, olderThan: Date, storeId = ''): Promise<schedulerV1.ErasureConfirmed> {
  const sweepId = randomUUID();
  const event: schedulerV1.RetentionSweepRequested = { sweepId, dataClass, storeId, olderThan: olderThan.toISOString() };
  await bus.publish(RETENTION_TOPICS.sweeps, [{ key: storeId || 'hub', value: Buffer.from(schedulerV1.RetentionSweepRequested.encode(event).finish()) }]);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = confirmations.find((c) => c.requestId === sweepId);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no confirmation of sweep ${sweepId}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  service = await startAuthService(
    { DATABASE_URL: testDatabaseUrl(), BUS_DRIVER: 'memory', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', JWT_SIGNING_KEYS: JSON.stringify([generateSigningKey('retention-test')]), AUDIT_RETENTION_MIN_DAYS: '90' },
    { schema, bus },
  );
  await bus.subscribe({ groupId: 'test-confirmations', topics: [RETENTION_TOPICS.confirmations], fromBeginning: true }, async (batch: BusMessage[]) => {
    for (const message of batch) confirmations.push(schedulerV1.ErasureConfirmed.decode(message.value));
  });
  pool = new Pool({ connectionString: testDatabaseUrl(), max: 2 });
});

afterAll(async () => {
  await service?.close();
  await bus.close();
  await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool?.end();
});

describe('audit retention', () => {
  test('plain DELETE, UPDATE and TRUNCATE of audit events stay refused', async () => {
    await insertEvent('test.untouchable', daysAgo(1000));
    await assert.rejects(pool.query(`DELETE FROM "${schema}".audit_events WHERE action = 'test.untouchable'`), /append-only: DELETE/);
    await assert.rejects(pool.query(`UPDATE "${schema}".audit_events SET reason = 'x' WHERE action = 'test.untouchable'`), /append-only: UPDATE/);
    await assert.rejects(pool.query(`TRUNCATE "${schema}".audit_events`), /append-only: TRUNCATE/);
    // A session that sets the cutoff by hand may delete old rows only: UPDATE is still refused.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('tessera.audit_sweep_cutoff', now()::text, true)`);
      await assert.rejects(client.query(`UPDATE "${schema}".audit_events SET reason = 'x'`), /append-only: UPDATE/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  test('a sweep deletes the events older than its cutoff, keeps the younger, audits itself and confirms the count', async () => {
    await insertEvent('test.old-a', daysAgo(500));
    await insertEvent('test.old-b', daysAgo(401), 'store-a');
    await insertEvent('test.young-a', daysAgo(399));
    await insertEvent('test.young-b', daysAgo(10), 'store-a');
    const confirmation = await sweep('audit', daysAgo(400));
    assert.equal(confirmation.service, 'auth');
    assert.deepEqual(confirmation.deleted, [{ dataClass: 'audit', count: '3' }]); // the two old ones and test.untouchable
    assert.equal(confirmation.note, '');
    assert.deepEqual(await actions(), ['test.young-a', 'test.young-b']);
    const record = await pool.query(`SELECT actor_type, actor_id, details FROM "${schema}".audit_events WHERE action = 'audit.retention_sweep' AND target_id = $1`, [confirmation.requestId]);
    assert.equal(record.rows.length, 1);
    assert.equal(record.rows[0].actor_id, 'auth');
    assert.equal(record.rows[0].details.deleted, 3);
    // Redelivered or repeated: nothing more to delete.
    assert.deepEqual((await sweep('audit', daysAgo(400))).deleted, [{ dataClass: 'audit', count: '0' }]);
  });

  test('a store-scoped sweep deletes only that store\'s old events', async () => {
    await insertEvent('test.old-store-b', daysAgo(200), 'store-b');
    await insertEvent('test.old-store-c', daysAgo(200), 'store-c');
    const confirmation = await sweep('audit', daysAgo(100), 'store-b');
    assert.deepEqual(confirmation.deleted, [{ dataClass: 'audit', count: '1' }]);
    assert.deepEqual(await actions(), ['test.old-store-c', 'test.young-a', 'test.young-b']);
  });

  test('a cutoff younger than AUDIT_RETENTION_MIN_DAYS deletes nothing and the confirmation says why', async () => {
    const confirmation = await sweep('audit', daysAgo(5));
    assert.deepEqual(confirmation.deleted, [{ dataClass: 'audit', count: '0' }]);
    assert.match(confirmation.note, /AUDIT_RETENTION_MIN_DAYS \(90 days/);
    assert.deepEqual(await actions(), ['test.old-store-c', 'test.young-a', 'test.young-b']);
  });

  test('sweeps of other data classes are left to their owners', async () => {
    const before = confirmations.length;
    const sweepId = randomUUID();
    await bus.publish(RETENTION_TOPICS.sweeps, [{ key: 'hub', value: Buffer.from(schedulerV1.RetentionSweepRequested.encode({ sweepId, dataClass: 'raw_transactions', storeId: '', olderThan: daysAgo(1000).toISOString() }).finish()) }]);
    await sweep('audit', daysAgo(3000)); // processed after the other one: the partition is in order
    assert.equal(confirmations.filter((c) => c.requestId === sweepId).length, 0);
    assert.equal(confirmations.length, before + 1);
  });
});
