/**
 * Round-artefact retention on real Postgres: a sweep deletes the participant rows of rounds
 * that finished before its cutoff and the failed rounds themselves, keeps younger and running
 * rounds' rows and every completed round with its published results, and confirms the counts.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createInProcessBus, type BusMessage } from '@tessera/bus';
import { testDatabaseUrl, uniqueSchema } from '@tessera/db';
import { schedulerV1 } from '@tessera/proto';
import { startFederationService, type FederationService } from '../main';
import { FederationRepository, type RoundSettings } from '../repositories/federation.repository';
import { RETENTION_TOPICS } from './round-retention.controller';

const schema = `${uniqueSchema('fedret')}_federation`;
const bus = createInProcessBus();
const confirmations: schedulerV1.ErasureConfirmed[] = [];
let federation: FederationService;
let dataSource: DataSource;
let repository: FederationRepository;
const DAY_MS = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
const settings: RoundSettings = { kind: 'itemsets', minStores: 3, epsilon: 4, delta: 1e-5, kThreshold: 3, minUtilityFraction: 0, maxPatternLength: 3, topM: 10, stageTimeoutSeconds: 5, storeIds: [], period: 'week' };
const pattern = { items: ['A', 'B'], aggregatedUtilityCents: 1000, globalSupport: 12, contributingStores: 3, coverage: 1, intervalLowCents: 900, intervalHighCents: 1100 };

/** A round in the given final state, finished `age` days ago, with three participants. */
async function round(status: 'completed' | 'failed' | 'measuring', age: number): Promise<string> {
  const roundId = randomUUID();
  await repository.createRound(roundId, settings, 'test');
  for (const store of ['store-a', 'store-b', 'store-c']) await repository.setParticipant(roundId, store, status === 'failed' ? 'dropped' : 'contributed');
  if (status === 'completed') await repository.complete(roundId, [pattern]);
  else await repository.setStatus(roundId, status, status === 'failed' ? { failureReason: 'too few stores' } : {});
  await dataSource.query(`UPDATE "${schema}".rounds SET created_at = $2, updated_at = $2, completed_at = CASE WHEN completed_at IS NULL THEN NULL ELSE $2::timestamptz END WHERE round_id = $1`, [roundId, daysAgo(age)]);
  return roundId;
}
const participantsOf = async (roundId: string) => (await dataSource.query(`SELECT store_id FROM "${schema}".round_participants WHERE round_id = $1 ORDER BY store_id`, [roundId])).map((row: { store_id: string }) => row.store_id);
const roundExists = async (roundId: string) => (await dataSource.query(`SELECT 1 FROM "${schema}".rounds WHERE round_id = $1`, [roundId])).length === 1;
const patternsOf = async (roundId: string) => Number((await dataSource.query(`SELECT count(*)::int AS n FROM "${schema}".global_patterns WHERE round_id = $1`, [roundId]))[0].n);

async function sweep(olderThan: Date, storeId = ''): Promise<schedulerV1.ErasureConfirmed> {
  const sweepId = randomUUID();
  await bus.publish(RETENTION_TOPICS.sweeps, [{ key: storeId || 'hub', value: Buffer.from(schedulerV1.RetentionSweepRequested.encode({ sweepId, dataClass: 'round_artefacts', storeId, olderThan: olderThan.toISOString() }).finish()) }]);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = confirmations.find((c) => c.requestId === sweepId);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no confirmation of sweep ${sweepId}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const counts = (confirmation: schedulerV1.ErasureConfirmed) => Object.fromEntries(confirmation.deleted.map((d) => [d.dataClass, Number(d.count)]));

beforeAll(async () => {
  federation = await startFederationService(
    { DATABASE_URL: testDatabaseUrl(), BUS_DRIVER: 'memory', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', GRPC_PORT: '0', NODE_GRPC_PORT: '0', NODE_TLS_MODE: 'plaintext' },
    { schema, bus },
  );
  dataSource = new DataSource({ type: 'postgres', url: testDatabaseUrl(), schema });
  await dataSource.initialize();
  repository = new FederationRepository(dataSource);
  await bus.subscribe({ groupId: 'test-confirmations', topics: [RETENTION_TOPICS.confirmations], fromBeginning: true }, async (batch: BusMessage[]) => {
    for (const message of batch) confirmations.push(schedulerV1.ErasureConfirmed.decode(message.value));
  });
});

afterAll(async () => {
  await federation?.close();
  await dataSource?.destroy();
  await bus.close();
  const pg = new Client({ connectionString: testDatabaseUrl() });
  await pg.connect();
  await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pg.end();
});

describe('round-artefact retention', () => {
  test('a sweep removes old finished rounds\' participants and old failed rounds; completed rounds, published results, young and running rounds stay', async () => {
    const oldCompleted = await round('completed', 40);
    const oldFailed = await round('failed', 35);
    const youngCompleted = await round('completed', 10);
    const youngFailed = await round('failed', 5);
    const running = await round('measuring', 60);

    const confirmation = await sweep(daysAgo(30));
    assert.equal(confirmation.service, 'federation');
    assert.deepEqual(counts(confirmation), { round_participants: 6, failed_rounds: 1 });
    assert.match(confirmation.note, /never stored/);

    assert.deepEqual(await participantsOf(oldCompleted), []);
    assert.equal(await roundExists(oldCompleted), true);
    assert.equal(await patternsOf(oldCompleted), 1, 'published results are kept');
    assert.equal(await roundExists(oldFailed), false);
    assert.deepEqual(await participantsOf(youngCompleted), ['store-a', 'store-b', 'store-c']);
    assert.deepEqual(await participantsOf(youngFailed), ['store-a', 'store-b', 'store-c']);
    assert.equal(await roundExists(youngFailed), true);
    assert.deepEqual(await participantsOf(running), ['store-a', 'store-b', 'store-c'], 'a running round is never swept');

    assert.deepEqual(counts(await sweep(daysAgo(30))), { round_participants: 0, failed_rounds: 0 }, 'a repeated sweep deletes nothing more');
  });

  test('a store-scoped sweep removes only that store\'s participant rows and no round', async () => {
    const oldCompleted = await round('completed', 50);
    const oldFailed = await round('failed', 50);
    assert.deepEqual(counts(await sweep(daysAgo(30), 'store-b')), { round_participants: 2, failed_rounds: 0 });
    assert.deepEqual(await participantsOf(oldCompleted), ['store-a', 'store-c']);
    assert.deepEqual(await participantsOf(oldFailed), ['store-a', 'store-c']);
    assert.equal(await roundExists(oldFailed), true);
  });
});
