// The round orchestrator in a Nest testing module with an in-memory federation repository, a
// recording bus and fake store nodes behind a fake node registry: the nodes run the real
// secure-aggregation client (libs/secagg) on noise-free contributions, so what the hub publishes
// can be checked exactly. Covers a round that reaches its minimum, a store that declines, a store
// that never answers (the stage deadline), a store that leaves during secure aggregation, and
// the failure reasons a coordinator reads. Real gRPC streams and stores: round.int-spec.ts.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Test } from '@nestjs/testing';
import type { BusRecord } from '@tessera/bus';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { demandSeriesClippedSum, toWord, type DemandSeriesPlan, type SalesTransaction } from '@tessera/federated';
import type { federationV1 } from '@tessera/proto';
import { SecAggClient, decodeMessage, encodeMessage, generateIdentityKeyPair, type IdentityKeyPair, type ServerMessage } from '@tessera/secagg';
import { FederationRepository, type DemandSeriesPointRecord, type ParticipantRow, type ParticipantState, type RoundRow, type RoundSettings, type RoundStatus } from '../repositories/federation.repository';
import { NodeRegistry } from './node-registry';
import { RoundConfigError, RoundOrchestrator } from './round-orchestrator';

const ROUNDS_TOPIC = 'federation.rounds.v1';

/** FederationRepository's contract for rounds, in memory. */
class InMemoryFederation {
  readonly keys = new Map<string, Buffer>();
  readonly rounds = new Map<string, RoundRow>();
  readonly participants = new Map<string, Map<string, ParticipantRow>>();
  readonly demandSeriesPoints = new Map<string, DemandSeriesPointRecord[]>();

  async identityKey(storeId: string) {
    return this.keys.get(storeId);
  }
  async latestCompletedRoundId() {
    return undefined;
  }
  async topItems() {
    return [];
  }
  async createRound(roundId: string, config: RoundSettings): Promise<RoundRow> {
    const row: RoundRow = { round_id: roundId, status: 'pending', config, failure_reason: null, candidate_count: 0, pattern_count: 0, utility_sigma_cents: null, support_sigma: null, transaction_count: null, transaction_count_sigma: null, created_at: new Date(), updated_at: new Date(), completed_at: null };
    this.rounds.set(roundId, row);
    this.participants.set(roundId, new Map());
    return { ...row };
  }
  async setStatus(roundId: string, status: RoundStatus, extra: { failureReason?: string; candidateCount?: number } = {}) {
    const row = this.rounds.get(roundId)!;
    row.status = status;
    if (extra.failureReason) row.failure_reason = extra.failureReason;
    if (extra.candidateCount !== undefined) row.candidate_count = extra.candidateCount;
  }
  async setParticipant(roundId: string, storeId: string, state: ParticipantState, reason?: string) {
    this.participants.get(roundId)!.set(storeId, { store_id: storeId, state, reason: reason ?? null });
  }
  async complete(roundId: string, patterns: unknown[]) {
    Object.assign(this.rounds.get(roundId)!, { status: 'completed', pattern_count: patterns.length });
  }
  async completeDemandSeries(roundId: string, points: DemandSeriesPointRecord[]) {
    this.demandSeriesPoints.set(roundId, points);
    Object.assign(this.rounds.get(roundId)!, { status: 'completed', pattern_count: points.length });
  }
  async findRound(roundId: string) {
    const round = this.rounds.get(roundId);
    if (!round) return undefined;
    return { round: { ...round }, participants: [...this.participants.get(roundId)!.values()].sort((a, b) => a.store_id.localeCompare(b.store_id)) };
  }
  states(roundId: string): Record<string, string> {
    return Object.fromEntries([...this.participants.get(roundId)!.values()].map((p) => [p.store_id, p.reason ? `${p.state}: ${p.reason}` : p.state]));
  }
}

/** How a fake store node answers the hub. */
type NodeBehaviour = { join: true; sales: SalesTransaction[]; leaveAtMeasurement?: boolean } | { join: false; reason: string } | { silent: true };

/**
 * NodeRegistry's surface for the orchestrator (connected stores, send, 'message' and
 * 'disconnected' events) with store nodes simulated in memory: they answer invitations, and
 * measure with the real SecAggClient on their sales (without noise, so sums are exact).
 */
class FakeNodeRegistry extends EventEmitter {
  readonly identities = new Map<string, IdentityKeyPair>();
  readonly behaviours = new Map<string, NodeBehaviour>();
  readonly received = new Map<string, federationV1.ConnectResponse[]>();
  private readonly clients = new Map<string, SecAggClient>();

  constructor(private readonly repository: InMemoryFederation) {
    super();
  }

  connect(storeId: string, behaviour: NodeBehaviour) {
    const identity = generateIdentityKeyPair();
    this.identities.set(storeId, identity);
    this.repository.keys.set(storeId, Buffer.from(identity.publicKey));
    this.behaviours.set(storeId, behaviour);
    this.received.set(storeId, []);
  }
  connected() {
    return [...this.behaviours.keys()].sort();
  }
  isConnected(storeId: string) {
    return this.behaviours.has(storeId);
  }
  send(storeId: string, message: federationV1.ConnectResponse) {
    if (!this.behaviours.has(storeId)) return false;
    this.received.get(storeId)!.push(message);
    setImmediate(() => this.answer(storeId, message));
    return true;
  }
  closeAll() {}

  private reply(storeId: string, body: federationV1.ConnectRequest['body']) {
    this.emit('message', storeId, { body });
  }

  private answer(storeId: string, message: federationV1.ConnectResponse) {
    const behaviour = this.behaviours.get(storeId)!;
    const body = message.body;
    if (!body || 'silent' in behaviour) return;
    if (body.$case === 'invitation') {
      this.reply(storeId, { $case: 'join', value: { roundId: body.value.roundId, joined: behaviour.join, reason: behaviour.join ? '' : behaviour.reason } });
    } else if (body.$case === 'measurementRequest' && behaviour.join) {
      const request = body.value;
      if (behaviour.leaveAtMeasurement) return this.reply(storeId, { $case: 'failure', value: { roundId: request.roundId, reason: 'the node is shutting down' } });
      const plan = JSON.parse(request.planJson) as DemandSeriesPlan;
      const input = Uint32Array.from(demandSeriesClippedSum(behaviour.sales, plan).values, toWord);
      const identityKeys = new Map(request.participants.map((id, i) => [id, new Uint8Array(request.identityPublicKeys[i])]));
      const client = new SecAggClient({ roundId: request.aggregationId, identityKeys, participants: request.participants, threshold: request.threshold, vectorLength: request.vectorLength }, storeId, this.identities.get(storeId)!.privateKey, { input });
      this.clients.set(`${storeId}/${request.aggregationId}`, client);
      this.reply(storeId, { $case: 'secagg', value: { roundId: request.roundId, aggregationId: request.aggregationId, message: Buffer.from(encodeMessage(client.advertiseKeys())) } });
    } else if (body.$case === 'secagg') {
      const client = this.clients.get(`${storeId}/${body.value.aggregationId}`)!;
      const reply = client.handle(decodeMessage(body.value.message) as ServerMessage);
      this.reply(storeId, { $case: 'secagg', value: { roundId: body.value.roundId, aggregationId: body.value.aggregationId, message: Buffer.from(encodeMessage(reply)) } });
    }
  }

  outcome(storeId: string) {
    const last = this.received.get(storeId)!.map((m) => m.body).filter((b) => b?.$case === 'outcome');
    return last.length ? (last[last.length - 1] as { $case: 'outcome'; value: federationV1.RoundOutcome }).value : undefined;
  }
}

class RecordingBus {
  readonly published: BusRecord[] = [];
  async publish(topic: string, records: BusRecord[]) {
    if (topic === ROUNDS_TOPIC) this.published.push(...records);
  }
  events(roundId: string): { status: string; message: string; demandSeries?: { points: DemandSeriesPointRecord[] } }[] {
    return this.published.filter((r) => r.key === roundId).map((r) => JSON.parse(String(r.value)));
  }
}

async function setUp() {
  const repository = new InMemoryFederation();
  const registry = new FakeNodeRegistry(repository);
  const bus = new RecordingBus();
  const errors: unknown[] = [];
  const logger = { error: (details: unknown) => errors.push(details), warn: () => undefined, info: () => undefined, debug: () => undefined } as unknown as Logger;
  const moduleRef = await Test.createTestingModule({
    providers: [
      { provide: FederationRepository, useValue: {} },
      { provide: NodeRegistry, useValue: {} },
      {
        provide: RoundOrchestrator,
        inject: [FederationRepository, NodeRegistry],
        useFactory: (federation: FederationRepository, nodes: NodeRegistry) => new RoundOrchestrator(federation, nodes, bus as never, logger, new ServiceMetrics('federation-unit'), ROUNDS_TOPIC),
      },
    ],
  })
    .overrideProvider(FederationRepository)
    .useValue(repository)
    .overrideProvider(NodeRegistry)
    .useValue(registry)
    .compile();
  const orchestrator = moduleRef.get(RoundOrchestrator);
  /** The round row once it is completed or failed and the orchestrator has let go of it (outcomes sent). */
  const finished = async (roundId: string) => {
    const row = await new Promise<RoundRow>((resolve) => {
      const listener = (found: { round: RoundRow }) => {
        if (found.round.round_id === roundId && (found.round.status === 'completed' || found.round.status === 'failed')) {
          orchestrator.off('round', listener);
          resolve(found.round);
        }
      };
      orchestrator.on('round', listener);
    });
    while (orchestrator.isRunning(roundId)) await new Promise((resolve) => setImmediate(resolve));
    return row;
  };
  return { orchestrator, repository, registry, bus, errors, finished, moduleRef };
}

const itemsetSettings = (overrides: Partial<RoundSettings> = {}): RoundSettings => ({ minStores: 3, epsilon: 1, delta: 1e-6, kThreshold: 3, minUtilityFraction: 0, maxPatternLength: 3, topM: 50, stageTimeoutSeconds: 5, storeIds: [], ...overrides });

const demandSettings = (overrides: Partial<RoundSettings> = {}): RoundSettings =>
  itemsetSettings({
    kind: 'demand-series',
    minStores: 2,
    kThreshold: 2,
    catalogue: { skus: ['milk', 'bread'], topItems: 0 },
    period: 'week',
    fromDate: '2026-03-02',
    toDate: '2026-03-15',
    demandBounds: { maxQuantityPerTransaction: 100, maxRevenueCentsPerTransaction: 20_000 },
    priceBounds: { minUnitPriceCents: 10, maxUnitPriceCents: 100_000, maxQuantity: 1_000 },
    ...overrides,
  });

const sale = (occurredAt: string, sku: string, quantity: number, unitPriceCents: number): SalesTransaction => ({ occurredAt, lines: [{ sku, quantity, unitPriceCents }] });

/**
 * Stores scale and round their clipped contributions to fixed-point integers (the plan's public
 * scale), so a published sum equals the exact one within a fraction of a unit: far less than one
 * item or one sale, which is what a lost or doubled contribution would change it by.
 */
const near = (actual: number, expected: number, tolerance: number, what: string) => assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
const QUANTITY_TOLERANCE = 0.25;
const REVENUE_TOLERANCE_CENTS = 25;

const point = (points: DemandSeriesPointRecord[], sku: string, periodStart: string) => points.find((p) => p.sku === sku && p.periodStart === periodStart)!;

describe('RoundOrchestrator', () => {
  test('a demand-series round that reaches its minimum publishes the sum of the stores contributions (no noise added, none lost), and says so on federation.rounds.v1', async () => {
    const { orchestrator, repository, registry, bus, finished, moduleRef } = await setUp();
    registry.connect('s1', { join: true, sales: [sale('2026-03-03T10:00:00Z', 'milk', 3, 120), sale('2026-03-10T10:00:00Z', 'bread', 1, 250)] });
    registry.connect('s2', { join: true, sales: [sale('2026-03-04T10:00:00Z', 'milk', 2, 120)] });
    registry.connect('s3', { join: true, sales: [sale('2026-03-11T10:00:00Z', 'bread', 4, 250)] });
    const round = await orchestrator.start(demandSettings(), 'coordinator@hub');
    assert.equal(round.status, 'pending');
    assert.ok(orchestrator.isRunning(round.round_id));
    const done = await finished(round.round_id);
    assert.equal(done.status, 'completed', done.failure_reason ?? '');
    assert.deepEqual(repository.states(round.round_id), { s1: 'contributed', s2: 'contributed', s3: 'contributed' });
    const points = repository.demandSeriesPoints.get(round.round_id)!;
    assert.equal(points.length, 4, '2 items x 2 weeks');
    near(point(points, 'milk', '2026-03-02').quantity, 5, QUANTITY_TOLERANCE, 'milk 2026-03-02 quantity');
    near(point(points, 'milk', '2026-03-02').revenueCents, 600, REVENUE_TOLERANCE_CENTS, 'milk 2026-03-02 revenue');
    near(point(points, 'bread', '2026-03-09').quantity, 5, QUANTITY_TOLERANCE, 'bread 2026-03-09 quantity');
    near(point(points, 'bread', '2026-03-09').revenueCents, 1250, REVENUE_TOLERANCE_CENTS, 'bread 2026-03-09 revenue');
    near(point(points, 'milk', '2026-03-09').quantity, 0, QUANTITY_TOLERANCE, 'milk 2026-03-09 quantity');
    for (const storeId of ['s1', 's2', 's3']) assert.deepEqual(registry.outcome(storeId), { roundId: round.round_id, completed: true, reason: '', patternCount: 4 });
    const events = bus.events(round.round_id);
    assert.deepEqual(events[0].message, 'invited 3 stores');
    assert.ok(events.some((e) => e.status === 'measuring'));
    const last = events[events.length - 1];
    assert.equal(last.status, 'completed');
    assert.equal(last.demandSeries!.points.length, 4, 'the event carries the published (aggregate) release');
    assert.ok(!orchestrator.isRunning(round.round_id));
    await moduleRef.close();
  });

  test('a store that declines is recorded with its reason; the round goes on with the others', async () => {
    const { orchestrator, repository, registry, finished } = await setUp();
    registry.connect('s1', { join: true, sales: [sale('2026-03-03T10:00:00Z', 'milk', 1, 100)] });
    registry.connect('s2', { join: true, sales: [sale('2026-03-03T10:00:00Z', 'milk', 2, 100)] });
    registry.connect('s3', { join: false, reason: 'the store privacy budget is spent' });
    const round = await orchestrator.start(demandSettings(), 'coordinator@hub');
    const done = await finished(round.round_id);
    assert.equal(done.status, 'completed', done.failure_reason ?? '');
    assert.deepEqual(repository.states(round.round_id), { s1: 'contributed', s2: 'contributed', s3: 'declined: the store privacy budget is spent' });
    near(point(repository.demandSeriesPoints.get(round.round_id)!, 'milk', '2026-03-02').quantity, 3, QUANTITY_TOLERANCE, 'milk 2026-03-02 quantity');
    assert.equal(registry.outcome('s3'), undefined, 'a store that declined is not told the outcome of a round it is not in');
  });

  test('too few joins fail the round with a reason naming the minimum and who declined why', async () => {
    const { orchestrator, repository, registry, finished, errors } = await setUp();
    registry.connect('s1', { join: true, sales: [] });
    registry.connect('s2', { join: false, reason: 'budget spent' });
    registry.connect('s3', { join: false, reason: 'node in maintenance' });
    const round = await orchestrator.start(itemsetSettings({ minStores: 2, kThreshold: 2 }), 'coordinator@hub');
    const done = await finished(round.round_id);
    assert.equal(done.status, 'failed');
    assert.equal(done.failure_reason, 'only 1 store(s) joined; the round needs at least 2; declined: s2 (budget spent), s3 (node in maintenance)');
    assert.equal(repository.rounds.get(round.round_id)!.failure_reason, done.failure_reason, 'the reason is stored for the coordinator API');
    assert.equal(errors.length, 0, 'an expected failure is not logged as an error');
  });

  test('a store that does not answer by the stage deadline is dropped, and the round fails when that leaves too few', async () => {
    const { orchestrator, repository, registry, finished } = await setUp();
    registry.connect('s1', { join: true, sales: [] });
    registry.connect('s2', { join: true, sales: [] });
    registry.connect('s3', { silent: true });
    const started = Date.now();
    const round = await orchestrator.start(itemsetSettings({ stageTimeoutSeconds: 1 }), 'coordinator@hub');
    const done = await finished(round.round_id);
    assert.ok(Date.now() - started >= 950, 'the orchestrator waited for the stage deadline');
    assert.equal(done.status, 'failed');
    assert.match(done.failure_reason!, /^only 2 store\(s\) joined; the round needs at least 3$/);
    assert.equal(repository.states(round.round_id).s3, 'dropped: did not answer the invitation in time');
  });

  test('an itemset round whose joined stores send no proposal by the deadline fails after asking for candidates', async () => {
    const { orchestrator, repository, registry, bus, finished } = await setUp();
    for (const storeId of ['s1', 's2', 's3']) registry.connect(storeId, { join: true, sales: [] });
    const round = await orchestrator.start(itemsetSettings({ stageTimeoutSeconds: 1 }), 'coordinator@hub');
    const done = await finished(round.round_id);
    assert.equal(done.failure_reason, 'only 0 store(s) proposed candidates; the round needs at least 3');
    assert.deepEqual(bus.events(round.round_id).map((e) => e.status), ['pending', 'proposing', 'failed']);
    assert.equal(repository.states(round.round_id).s2, 'dropped: sent no proposal in time');
    const request = registry.received.get('s1')!.find((m) => m.body?.$case === 'proposalRequest')?.body;
    assert.deepEqual(request?.value, { roundId: round.round_id, topM: 50, maxPatternLength: 3, minSupport: 2 }, 'the proposal request carries the round settings');
  });

  test('named stores that are not connected are dropped, and the round fails at once if too few are', async () => {
    const { orchestrator, repository, registry, finished } = await setUp();
    registry.connect('s1', { join: true, sales: [] });
    const round = await orchestrator.start(itemsetSettings({ minStores: 2, kThreshold: 2, storeIds: ['s1', 'offline'] }), 'coordinator@hub');
    const done = await finished(round.round_id);
    assert.equal(done.failure_reason, 'only 1 store node(s) are connected; the round needs at least 2');
    assert.equal(repository.states(round.round_id).offline, 'dropped: not connected when the round started');
    assert.equal(registry.received.get('s1')!.length, 0, 'nobody was invited');
  });

  test('a store that leaves during secure aggregation: tolerated above the survivor threshold, a failure below it', async () => {
    const tolerated = await setUp();
    for (const storeId of ['s1', 's2', 's3']) tolerated.registry.connect(storeId, { join: true, sales: [sale('2026-03-03T10:00:00Z', 'milk', 1, 100)] });
    tolerated.registry.connect('s4', { join: true, sales: [], leaveAtMeasurement: true });
    const first = await tolerated.orchestrator.start(demandSettings(), 'coordinator@hub');
    const firstDone = await tolerated.finished(first.round_id);
    assert.equal(firstDone.status, 'completed', firstDone.failure_reason ?? '');
    assert.equal(tolerated.repository.states(first.round_id).s4, 'dropped: left during secure aggregation');
    near(point(tolerated.repository.demandSeriesPoints.get(first.round_id)!, 'milk', '2026-03-02').quantity, 3, QUANTITY_TOLERANCE, 'milk 2026-03-02 quantity');

    const below = await setUp();
    below.registry.connect('s1', { join: true, sales: [] });
    below.registry.connect('s2', { join: true, sales: [] });
    below.registry.connect('s3', { join: true, sales: [], leaveAtMeasurement: true });
    const second = await below.orchestrator.start(demandSettings({ stageTimeoutSeconds: 2 }), 'coordinator@hub');
    const secondDone = await below.finished(second.round_id);
    assert.equal(secondDone.status, 'failed');
    assert.match(secondDone.failure_reason!, /^too few stores remained: .*; no global patterns were published$/);
    assert.deepEqual(below.registry.outcome('s1'), { roundId: second.round_id, completed: false, reason: secondDone.failure_reason, patternCount: 0 });
    assert.equal(below.repository.demandSeriesPoints.has(second.round_id), false, 'nothing is published');
  });

  test('settings are checked before a round exists, every problem named', async () => {
    const { orchestrator, repository } = await setUp();
    await assert.rejects(orchestrator.start(itemsetSettings({ minStores: 1, epsilon: 0 }), 'coordinator@hub'), (error: Error) => {
      assert.ok(error instanceof RoundConfigError);
      assert.match(error.message, /minStores must be an integer from 2 to 1000/);
      assert.match(error.message, /epsilon must be in \(0, 20\]/);
      return true;
    });
    await assert.rejects(orchestrator.start(demandSettings({ period: 'fortnight' as never }), 'coordinator@hub'), /period must be day, week or month/);
    await assert.rejects(orchestrator.start(demandSettings({ catalogue: { skus: [], topItems: 10 } }), 'coordinator@hub'), /catalogue: no itemset round has completed/);
    assert.equal(repository.rounds.size, 0);
  });
});
