/** Helpers for driving the state machines by hand in tests (not part of the public API). */
import { randomFillSync } from 'node:crypto';
import { SecAggClient } from './client';
import { RoundParams, defaultThreshold } from './config';
import { IdentityKeyPair, generateIdentityKeyPair } from './crypto';
import { ClientMessage, ServerMessage } from './messages';
import { SecAggServer, ServerStep } from './server';
import { clientId } from './simulate';

export interface Harness {
  params: RoundParams;
  server: SecAggServer;
  clients: SecAggClient[];
  byId: Map<string, SecAggClient>;
  ids: string[];
  keys: IdentityKeyPair[];
  inputs: Uint32Array[];
}

export interface HarnessOptions {
  n: number;
  t?: number;
  length?: number;
  neighbours?: number;
  consistencyCheck?: boolean;
  consistencyThreshold?: number;
  roundId?: string;
  inputs?: (i: number) => Uint32Array;
  keys?: IdentityKeyPair[];
}

export function makeRound(o: HarnessOptions): Harness {
  const L = o.length ?? 8;
  const keys = o.keys ?? Array.from({ length: o.n }, () => generateIdentityKeyPair());
  const ids = keys.map((_, i) => clientId(i, o.n));
  const committee = o.neighbours !== undefined && o.neighbours < o.n - 1 ? o.neighbours + 1 : o.n;
  const params = new RoundParams({
    roundId: o.roundId ?? 'round-1',
    identityKeys: new Map(ids.map((id, i) => [id, keys[i].publicKey])),
    threshold: o.t ?? defaultThreshold(committee),
    vectorLength: L,
    neighbours: o.neighbours,
    consistencyCheck: o.consistencyCheck,
    consistencyThreshold: o.consistencyThreshold,
  });
  const inputs = ids.map((_, i) => {
    if (o.inputs) return o.inputs(i);
    const x = new Uint32Array(L);
    randomFillSync(x);
    return x;
  });
  const clients = ids.map((id, i) => new SecAggClient(params, id, keys[i].privateKey, { input: inputs[i] }));
  return { params, server: new SecAggServer(params), clients, byId: new Map(ids.map((id, i) => [id, clients[i]])), ids, keys, inputs };
}

/** Every client in `who` (default all) advertises; returns their messages after delivery. */
export function advertise(h: Harness, who: (id: string) => boolean = () => true): ClientMessage[] {
  const out: ClientMessage[] = [];
  for (const c of h.clients) {
    if (!who(c.id)) continue;
    const m = c.advertiseKeys();
    h.server.receive(m);
    out.push(m);
  }
  return out;
}

/** Clients in `who` answer the step's messages; replies are delivered to the server and returned. */
export function respond(h: Harness, step: ServerStep, who: (id: string) => boolean = () => true, deliver = true): ClientMessage[] {
  if (step.done) throw new Error('round already finished');
  const out: ClientMessage[] = [];
  for (const m of step.messages) {
    if (!who(m.to)) continue;
    const reply = h.byId.get(m.to)!.handle(m);
    if (deliver) h.server.receive(reply);
    out.push(reply);
  }
  return out;
}

export function messageFor(step: ServerStep, id: string): ServerMessage {
  if (step.done) throw new Error('round already finished');
  const m = step.messages.find((x) => x.to === id);
  if (!m) throw new Error(`no message for ${id}`);
  return m;
}

export function sumOf(vectors: Uint32Array[], length: number): Uint32Array {
  const out = new Uint32Array(length);
  for (const v of vectors) for (let i = 0; i < length; i++) out[i] = (out[i] + v[i]) >>> 0;
  return out;
}

/** Deep-ish clone of a message (typed arrays copied) so tests can tamper without side effects. */
export function clone<T>(m: T): T {
  return structuredClone(m);
}
