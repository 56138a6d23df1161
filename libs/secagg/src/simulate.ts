/**
 * In-memory driver: runs one full round of the protocol (server + n clients in one process),
 * with configurable dropouts at every stage, and measures compute time per party. Used by the
 * tests, `tessera secagg bench` and scripts/bench/secagg.mjs. It is also a reference for how a
 * transport (e.g. the federation service over gRPC) should drive the state machines.
 */
import { randomFillSync, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SecAggClient } from './client';
import { RoundParams, defaultThreshold } from './config';
import { addInto, generateIdentityKeyPair } from './crypto';
import { SecAggError } from './errors';
import { ClientMessage, SecAggMessage, ServerMessage, decodeMessage, encodeMessage } from './messages';
import { suggestGraphThreshold } from './risk';
import { AggregationResult, SecAggServer } from './server';

/** When a client disappears: after sending its message of the named stage. */
export type DropPoint = 'beforeAdvertise' | 'afterAdvertise' | 'afterShareKeys' | 'afterMaskedInput' | 'afterConsistency';
export const DROP_POINTS: readonly DropPoint[] = ['beforeAdvertise', 'afterAdvertise', 'afterShareKeys', 'afterMaskedInput', 'afterConsistency'];

export interface SimulationOptions {
  clients: number;
  length: number;
  /** Shamir threshold (default: strict majority of the committee). */
  threshold?: number;
  /** SecAgg+ graph degree k (omit for the complete graph). */
  neighbours?: number;
  consistencyCheck?: boolean;
  consistencyThreshold?: number;
  /** Fraction of all n clients dropping at each point (rounded; taken from those still alive). */
  dropout?: Partial<Record<DropPoint, number>>;
  /** Explicit client indices dropping at each point (takes precedence over `dropout`). */
  drop?: Partial<Record<DropPoint, readonly number[]>>;
  /** Inputs per client index (default: uniformly random words). */
  inputs?: (index: number) => Uint32Array;
  roundId?: string;
  /** Round-trip every message through encodeMessage/decodeMessage (exercises the codec). */
  serialize?: boolean;
  /** Observe every message (after serialisation, if enabled). */
  onMessage?: (msg: SecAggMessage) => void;
}

export interface SimulationResult {
  ok: boolean;
  result?: AggregationResult;
  /** Typed error if the round failed (e.g. BELOW_THRESHOLD). */
  error?: SecAggError;
  /** Σ of the inputs of the clients the server reports as contributors. */
  expected?: Uint32Array;
  /** result.sum equals expected. */
  correct: boolean;
  params: RoundParams;
  /** Total server compute (all receive() and closeStage() calls). */
  serverMs: number;
  serverStageMs: number[];
  /** Per client id: total compute across the stages it took part in. */
  clientMs: Map<string, number>;
  /** Median of clientMs over clients that completed the round (sent their Unmask message). */
  clientMsMedian: number;
  clientMsMax: number;
  /** Errors raised by clients (they then behave as dropped). */
  clientErrors: Map<string, SecAggError>;
  dropped: Record<DropPoint, string[]>;
}

/**
 * Default threshold for simulations: strict majority of n for the complete graph; for SecAgg+
 * the t suggested by `suggestGraphThreshold` for the simulated total dropout (at least 10%) and
 * 10% corrupted clients.
 */
export function simulationThreshold(opts: Pick<SimulationOptions, 'clients' | 'neighbours' | 'dropout' | 'drop'>): number {
  const n = opts.clients;
  if (opts.neighbours === undefined || opts.neighbours >= n - 1) return defaultThreshold(n);
  let dropped = 0;
  for (const p of DROP_POINTS) dropped += opts.drop?.[p]?.length ?? Math.round((opts.dropout?.[p] ?? 0) * n);
  return suggestGraphThreshold(n, opts.neighbours, Math.max(0.1, dropped / n)).t;
}

export function clientId(i: number, n: number): string {
  return `client-${String(i).padStart(Math.max(4, String(n - 1).length), '0')}`;
}

export function simulateRound(opts: SimulationOptions): SimulationResult {
  const n = opts.clients;
  const L = opts.length;
  const keys = Array.from({ length: n }, () => generateIdentityKeyPair());
  const ids = keys.map((_, i) => clientId(i, n));
  const params = new RoundParams({
    roundId: opts.roundId ?? `sim-${Date.now()}-${randomInt(1 << 30)}`,
    identityKeys: new Map(ids.map((id, i) => [id, keys[i].publicKey])),
    threshold: opts.threshold ?? simulationThreshold(opts),
    vectorLength: L,
    neighbours: opts.neighbours,
    consistencyCheck: opts.consistencyCheck,
    consistencyThreshold: opts.consistencyThreshold,
  });
  const inputs = ids.map((_, i) => {
    if (opts.inputs) return opts.inputs(i);
    const x = new Uint32Array(L);
    randomFillSync(x);
    return x;
  });
  const byId = new Map<string, number>(ids.map((id, i) => [id, i]));
  const clients = ids.map((id, i) => new SecAggClient(params, id, keys[i].privateKey, { input: inputs[i] }));
  const server = new SecAggServer(params);

  const clientMs = new Map<string, number>();
  const clientErrors = new Map<string, SecAggError>();
  const serverStageMs: number[] = [];
  let serverMs = 0;
  const alive = new Set<number>(ids.map((_, i) => i));
  const dropped = Object.fromEntries(DROP_POINTS.map((d) => [d, [] as string[]])) as Record<DropPoint, string[]>;

  const pass = <M extends SecAggMessage>(m: M): M => {
    const out = opts.serialize ? (decodeMessage(encodeMessage(m)) as M) : m;
    opts.onMessage?.(out);
    return out;
  };
  const dropAt = (point: DropPoint): void => {
    let victims: number[];
    const explicit = opts.drop?.[point];
    if (explicit) victims = explicit.filter((i) => alive.has(i));
    else {
      const count = Math.min(alive.size, Math.round((opts.dropout?.[point] ?? 0) * n));
      const pool = [...alive];
      for (let i = pool.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [pool[i], pool[j]] = [pool[j], pool[i]];
      }
      victims = pool.slice(0, count);
    }
    for (const v of victims) {
      alive.delete(v);
      dropped[point].push(ids[v]);
    }
  };
  const timeClient = <T>(i: number, f: () => T): T => {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      clientMs.set(ids[i], (clientMs.get(ids[i]) ?? 0) + performance.now() - t0);
    }
  };
  const timeServer = <T>(stage: number, f: () => T): T => {
    const t0 = performance.now();
    try {
      return f();
    } finally {
      const dt = performance.now() - t0;
      serverMs += dt;
      serverStageMs[stage] = (serverStageMs[stage] ?? 0) + dt;
    }
  };
  const deliver = (stage: number, m: ClientMessage): void => {
    const msg = pass(m);
    timeServer(stage, () => server.receive(msg));
  };

  const finish = (partial: Partial<SimulationResult>): SimulationResult => {
    const completed = partial.result ? partial.result.survivors.unmasking : [];
    const times = completed.map((id) => clientMs.get(id) ?? 0).sort((a, b) => a - b);
    const median = times.length ? (times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2) : 0;
    return {
      ok: false,
      correct: false,
      params,
      serverMs,
      serverStageMs,
      clientMs,
      clientMsMedian: median,
      clientMsMax: times.length ? times[times.length - 1] : 0,
      clientErrors,
      dropped,
      ...partial,
    };
  };

  try {
    dropAt('beforeAdvertise');
    for (const i of [...alive].sort((a, b) => a - b)) deliver(0, timeClient(i, () => clients[i].advertiseKeys()));
    const dropAfter: DropPoint[] = ['afterAdvertise', 'afterShareKeys', 'afterMaskedInput', 'afterConsistency'];
    for (;;) {
      const stage = server.stage;
      const step = timeServer(stage, () => server.closeStage());
      if (step.done) {
        const expected = new Uint32Array(L);
        for (const id of step.result.contributors) addInto(expected, inputs[byId.get(id)!]);
        const correct = expected.length === step.result.sum.length && expected.every((v, i) => v === step.result.sum[i]);
        return finish({ ok: true, result: step.result, expected, correct });
      }
      dropAt(dropAfter[stage]);
      if (!params.consistencyCheck && stage === 2) dropAt('afterConsistency');
      for (const m of step.messages) {
        const i = byId.get(m.to)!;
        if (!alive.has(i)) continue;
        const msg = pass<ServerMessage>(m);
        let reply: ClientMessage;
        try {
          reply = timeClient(i, () => clients[i].handle(msg));
        } catch (e) {
          if (!(e instanceof SecAggError)) throw e;
          clientErrors.set(ids[i], e);
          alive.delete(i);
          continue;
        }
        deliver(step.stage, reply);
      }
    }
  } catch (e) {
    if (e instanceof SecAggError) return finish({ error: e });
    throw e;
  }
}
