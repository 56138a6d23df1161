import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SecAggError } from './errors';
import { expandMask, importX25519Public, subInto, x25519PrivateFromScalar } from './crypto';
import { decodeFieldElement } from './field';
import { AdvertiseKeysMessage, ConsistencySignatureMessage, MaskedInputMessage, SecAggMessage, UnmaskMessage } from './messages';
import { pairwiseMaskKeyFrom, selfMaskKey } from './protocol';
import { reconstruct } from './shamir';
import { simulateRound } from './simulate';
import { Harness, advertise, makeRound, respond } from './spec-helpers';

// ---- statistics --------------------------------------------------------------------------------

/** Upper quantile of χ²(df) by the Wilson–Hilferty approximation; z = 4.75 ≈ p 1e-6. */
function chi2Critical(df: number, z = 4.75): number {
  const a = 2 / (9 * df);
  return df * Math.pow(1 - a + z * Math.sqrt(a), 3);
}

function chi2Uniform(counts: number[]): number {
  const total = counts.reduce((s, c) => s + c, 0);
  const e = total / counts.length;
  return counts.reduce((s, c) => s + ((c - e) * (c - e)) / e, 0);
}

/** χ² test of homogeneity of two histograms (df = bins − 1). */
function chi2TwoSample(a: number[], b: number[]): number {
  const na = a.reduce((s, c) => s + c, 0);
  const nb = b.reduce((s, c) => s + c, 0);
  let stat = 0;
  for (let i = 0; i < a.length; i++) {
    const tot = a[i] + b[i];
    if (tot === 0) continue;
    const ea = (tot * na) / (na + nb);
    const eb = (tot * nb) / (na + nb);
    stat += ((a[i] - ea) ** 2) / ea + ((b[i] - eb) ** 2) / eb;
  }
  return stat;
}

const byteHistogram = (v: Uint32Array): number[] => {
  const h = new Array<number>(256).fill(0);
  for (const b of new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) h[b]++;
  return h;
};
const highByteHistogram = (v: Uint32Array): number[] => {
  const h = new Array<number>(256).fill(0);
  for (const w of v) h[w >>> 24]++;
  return h;
};
/** z-score of the mean of words/2^32 against the uniform mean 1/2. */
const meanZ = (v: Uint32Array): number => {
  let s = 0;
  for (const w of v) s += w / 2 ** 32;
  return (s / v.length - 0.5) / Math.sqrt(1 / 12 / v.length);
};

const L = 1 << 16;
const CRIT = chi2Critical(255);

/** Runs a 3-client round and returns what the server saw from client 0 (input `x0`). */
function maskedOfClient0(x0: Uint32Array): Uint32Array {
  let seen: Uint32Array | undefined;
  const r = simulateRound({
    clients: 3,
    length: L,
    threshold: 2,
    inputs: (i) => (i === 0 ? x0 : new Uint32Array(L).fill(12345)),
    onMessage: (m: SecAggMessage) => {
      if (m.type === 'MaskedInput' && m.from.endsWith('0000')) seen = (m as MaskedInputMessage).masked;
    },
  });
  assert.equal(r.correct, true);
  assert.ok(seen);
  return seen;
}

describe("the server's view of one client is indistinguishable from uniform", () => {
  const zeros = new Uint32Array(L);
  const constant = new Uint32Array(L).fill(0xdeadbeef);
  const counts = Uint32Array.from({ length: L }, (_, i) => i % 100); // realistic small counts

  it('sanity: the tests reject non-uniform data (they can fail)', () => {
    assert.ok(chi2Uniform(byteHistogram(counts)) > CRIT);
    assert.ok(chi2Uniform(byteHistogram(constant)) > CRIT);
    // A mask covering only the low 16 bits leaves the high byte visibly non-uniform.
    const weak = Uint32Array.from(expandMask(new Uint8Array(32).fill(7), L), (m, i) => (counts[i] + (m & 0xffff)) >>> 0);
    assert.ok(chi2Uniform(highByteHistogram(weak)) > CRIT);
    assert.ok(chi2TwoSample(byteHistogram(zeros), byteHistogram(counts)) > CRIT);
    assert.ok(Math.abs(meanZ(counts)) > 5);
  });

  for (const [name, x] of [
    ['all zeros', zeros],
    ['constant 0xdeadbeef', constant],
  ] as const) {
    it(`masked vector of an input of ${name}: bytes and high bytes pass χ², mean is 1/2`, () => {
      const y = maskedOfClient0(x);
      const cb = chi2Uniform(byteHistogram(y));
      const ch = chi2Uniform(highByteHistogram(y));
      assert.ok(cb < CRIT, `byte χ² = ${cb.toFixed(1)} ≥ ${CRIT.toFixed(1)}`);
      assert.ok(ch < CRIT, `high-byte χ² = ${ch.toFixed(1)} ≥ ${CRIT.toFixed(1)}`);
      assert.ok(Math.abs(meanZ(y)) < 4.75, `mean z = ${meanZ(y)}`);
    });
  }

  it('masked vectors of two different inputs cannot be told apart by a two-sample χ² test', () => {
    const a = maskedOfClient0(zeros);
    const b = maskedOfClient0(counts);
    const sb = chi2TwoSample(byteHistogram(a), byteHistogram(b));
    const sh = chi2TwoSample(highByteHistogram(a), highByteHistogram(b));
    assert.ok(sb < CRIT, `byte two-sample χ² = ${sb.toFixed(1)}`);
    assert.ok(sh < CRIT, `high-byte two-sample χ² = ${sh.toFixed(1)}`);
    // And the low byte, where the plaintexts differ most.
    const low = (v: Uint32Array) => {
      const h = new Array<number>(256).fill(0);
      for (const w of v) h[w & 0xff]++;
      return h;
    };
    assert.ok(chi2TwoSample(low(a), low(b)) < CRIT);
  });
});

// ---- no client can be unmasked unless it dropped -----------------------------------------------

/** Honest protocol up to the point where the server holds everyone's masked input. */
function toMaskedInput(h: Harness): { masked: Map<string, Uint32Array>; adverts: AdvertiseKeysMessage[] } {
  const adverts = advertise(h) as AdvertiseKeysMessage[];
  respond(h, h.server.closeStage());
  const replies = respond(h, h.server.closeStage()) as MaskedInputMessage[];
  return { masked: new Map(replies.map((m) => [m.from, m.masked])), adverts };
}

/** What a malicious server can get: sends each client its own U3 view, gathers replies. */
function splitViews(h: Harness, views: string[][]): { unmask: Map<string, UnmaskMessage>; errors: Map<string, SecAggError> } {
  const p = h.params;
  const unmask = new Map<string, UnmaskMessage>();
  const errors = new Map<string, SecAggError>();
  const sigs: ConsistencySignatureMessage[] = [];
  const tryHandle = <T>(id: string, f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof SecAggError)) throw e;
      errors.set(id, e);
      return undefined;
    }
  };
  if (p.consistencyCheck) {
    h.ids.forEach((id, i) => {
      const s = tryHandle(id, () => h.clients[i].handle({ type: 'ConsistencyRequest', roundId: p.roundId, stage: 3, to: id, maskedInputSurvivors: views[i] }));
      if (s) sigs.push(s as ConsistencySignatureMessage);
    });
  }
  h.ids.forEach((id, i) => {
    if (p.consistencyCheck && errors.has(id)) return;
    // Best effort for the adversary: first only signatures from clients shown the same view, then all of them.
    const same = sigs.filter((s) => views[h.ids.indexOf(s.from)].join() === views[i].join());
    for (const consistencySignatures of p.consistencyCheck ? [same, sigs] : [[]]) {
      const r = tryHandle(id, () => h.clients[i].handle({ type: 'UnmaskRequest', roundId: p.roundId, stage: 4, to: id, maskedInputSurvivors: views[i], consistencySignatures }));
      if (r) {
        unmask.set(id, r as UnmaskMessage);
        errors.delete(id);
        break;
      }
    }
  });
  return { unmask, errors };
}

/** For each client: which kinds of its shares honest clients revealed. */
function revealed(unmask: Iterable<UnmaskMessage>): Map<string, { b: number; s: number }> {
  const out = new Map<string, { b: number; s: number }>();
  const get = (id: string) => out.get(id) ?? (out.set(id, { b: 0, s: 0 }), out.get(id)!);
  for (const m of unmask) {
    for (const e of m.selfMaskShares) get(e.of).b++;
    for (const e of m.maskKeyShares) get(e.of).s++;
  }
  return out;
}

describe('a client cannot be unmasked unless it dropped', () => {
  it('honest rounds with dropouts at every stage: each client has only b-shares or only s-shares revealed', () => {
    const unmask: UnmaskMessage[] = [];
    const r = simulateRound({
      clients: 30,
      length: 8,
      threshold: 12,
      dropout: { afterAdvertise: 0.1, afterShareKeys: 0.15, afterMaskedInput: 0.1, afterConsistency: 0.05 },
      onMessage: (m) => void (m.type === 'Unmask' && unmask.push(m as UnmaskMessage)),
    });
    assert.equal(r.correct, true);
    const u3 = new Set(r.result!.contributors);
    for (const [id, k] of revealed(unmask)) {
      assert.ok(!(k.b > 0 && k.s > 0), `${id} had both kinds of shares revealed`);
      if (k.s > 0) assert.ok(!u3.has(id), `s-shares revealed for contributor ${id}`);
      if (k.b > 0) assert.ok(u3.has(id), `b-shares revealed for non-contributor ${id}`);
    }
    for (const m of unmask) assert.ok(!m.maskKeyShares.some((e) => e.of === m.from), 'a client revealed its own mask key share');
  });

  it('a client answers the unmasking request only once (a second request with another U3 is a replay)', () => {
    const h = makeRound({ n: 5, t: 3, consistencyCheck: false });
    toMaskedInput(h);
    const all = h.ids;
    const { unmask } = splitViews(h, all.map(() => all));
    assert.equal(unmask.size, 5);
    const second = () => h.clients[1].handle({ type: 'UnmaskRequest', roundId: 'round-1', stage: 4, to: h.ids[1], maskedInputSurvivors: all.filter((x) => x !== h.ids[0]), consistencySignatures: [] });
    assert.throws(second, (e: unknown) => e instanceof SecAggError && e.code === 'REPLAY');
  });

  it('with the ConsistencyCheck round, a server splitting the clients into two U3 views gets nothing', () => {
    // n = 6, t = 3, consistency threshold 4: group A is told U3 = everyone, group B is told client 0 dropped.
    const h = makeRound({ n: 6, t: 3 });
    toMaskedInput(h);
    const all = h.ids;
    const withoutVictim = all.slice(1);
    const views = all.map((_, i) => (i < 3 ? all : withoutVictim));
    const { unmask, errors } = splitViews(h, views);
    assert.equal(unmask.size, 0, 'no honest client may answer');
    for (const e of errors.values()) assert.ok(['BELOW_THRESHOLD', 'PROTOCOL_VIOLATION'].includes(e.code), e.message);
  });

  it('without the ConsistencyCheck round the same attack unmasks client 0 (why the check is on by default)', () => {
    const h = makeRound({ n: 6, t: 3, consistencyCheck: false, length: 16 });
    const { masked, adverts } = toMaskedInput(h);
    const all = h.ids;
    const views = all.map((_, i) => (i < 3 ? all : all.slice(1)));
    const { unmask } = splitViews(h, views);
    const k = revealed(unmask.values()).get(all[0])!;
    assert.ok(k.b >= 3 && k.s >= 3, 'both b- and s-shares of client 0 reached the threshold');
    // Carry out the attack: reconstruct b_0 and s_0^SK, strip every mask from y_0 and recover x_0.
    const p = h.params;
    const shares = (kind: 'selfMaskShares' | 'maskKeyShares') =>
      [...unmask.values()].flatMap((m) => m[kind].filter((e) => e.of === all[0]).map((e) => ({ x: p.x(p.index.get(m.from)!), y: decodeFieldElement(e.share)! }))).slice(0, 3);
    const b0 = reconstruct(shares('selfMaskShares'));
    const s0 = x25519PrivateFromScalar(reconstruct(shares('maskKeyShares')));
    const x0 = Uint32Array.from(masked.get(all[0])!);
    subInto(x0, expandMask(selfMaskKey(p, b0, 0), p.vectorLength));
    for (const adv of adverts) {
      const v = p.index.get(adv.from)!;
      if (v === 0) continue;
      subInto(x0, expandMask(pairwiseMaskKeyFrom(p, s0, importX25519Public(adv.sPk), 0, v), p.vectorLength)); // 0 < v added +mask
    }
    assert.deepEqual(x0, h.inputs[0]);
  });

  it('property: whatever U3 views a malicious server shows, honest clients that answer all hold the same view', () => {
    let runsWithAnswers = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 8 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 8, maxLength: 8 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 3 }), { minLength: 3, maxLength: 3 }),
        (n, assignment, droppedPerView) => {
          const h = makeRound({ n, t: Math.floor(n / 2) + 1, length: 4 });
          toMaskedInput(h);
          const viewSets = droppedPerView.map((d) => h.ids.filter((_, i) => !d.includes(i)));
          const views = h.ids.map((_, i) => viewSets[assignment[i]]);
          const { unmask } = splitViews(h, views);
          const accepted = new Set([...unmask.keys()].map((id) => views[h.ids.indexOf(id)].join()));
          assert.ok(accepted.size <= 1, 'two different U3 views were accepted');
          if (accepted.size === 1) runsWithAnswers++;
          for (const [id, k] of revealed(unmask.values())) assert.ok(!(k.b > 0 && k.s > 0), `${id}: both share kinds revealed`);
        },
      ),
      { numRuns: 25, examples: [[6, [0, 0, 0, 0, 0, 0, 0, 0], [[], [], []]]] },
    );
    assert.ok(runsWithAnswers > 0, 'the property must also cover runs where clients do answer');
  });
});
