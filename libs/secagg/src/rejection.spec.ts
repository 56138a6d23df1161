import assert from 'node:assert/strict';
import { KeyObject, sign } from 'node:crypto';
import { SecAggError, SecAggErrorCode } from './errors';
import { generateAgreementKeyPair } from './crypto';
import {
  AdvertiseKeysMessage,
  ClientMessage,
  ConsistencyRequest,
  MaskedInputRequest,
  ShareKeysMessage,
  ShareKeysRequest,
  UnmaskRequest,
  signingBytes,
} from './messages';
import fc from 'fast-check';
import { decodeMessage, encodeMessage } from './messages';
import { advertise, clone, makeRound, messageFor, respond, sumOf, Harness } from './spec-helpers';
import { ServerStep } from './server';

const rejects = (code: SecAggErrorCode, pattern?: RegExp) => (e: unknown): boolean => {
  assert.ok(e instanceof SecAggError, `expected SecAggError(${code}), got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (pattern) assert.match(e.message, pattern);
  return true;
};

/** Re-signs a (tampered) client message with an identity key, as a compromised sender could. */
function resign<M extends ClientMessage>(m: M, key: KeyObject): M {
  return { ...m, sig: new Uint8Array(sign(null, signingBytes(m), key)) };
}

function finish(h: Harness, step: ServerStep): void {
  while (!step.done) {
    respond(h, step);
    step = h.server.closeStage();
  }
  assert.deepEqual(step.result.sum, sumOf(h.inputs.filter((_, i) => step.result.contributors.includes(h.ids[i])), h.params.vectorLength));
}

describe('server rejects bad client messages (and stays usable)', () => {
  it('malformed messages', () => {
    const h = makeRound({ n: 4 });
    const good = h.clients[0].advertiseKeys();
    assert.throws(() => h.server.receive(null), rejects('MALFORMED'));
    assert.throws(() => h.server.receive('hello'), rejects('MALFORMED'));
    assert.throws(() => h.server.receive({ ...good, type: 'Nope' }), rejects('MALFORMED', /unknown message type/));
    const { cPk: _c, ...missing } = good;
    assert.throws(() => h.server.receive(missing), rejects('MALFORMED', /missing field "cPk"/));
    assert.throws(() => h.server.receive({ ...good, extra: 1 }), rejects('MALFORMED', /unexpected field/));
    assert.throws(() => h.server.receive({ ...good, cPk: good.cPk.subarray(0, 31) }), rejects('MALFORMED', /32 bytes/));
    assert.throws(() => h.server.receive({ ...good, stage: 1 }), rejects('MALFORMED', /stage must be 0/));
    assert.throws(() => h.server.receive({ ...good, sig: 'x' }), rejects('MALFORMED'));
    assert.throws(() => h.server.receive({ type: 'ConsistencyRequest', roundId: 'round-1', stage: 3, to: h.ids[0], maskedInputSurvivors: [] }), rejects('MALFORMED', /only accepts client messages/));
    h.server.receive(good); // still accepted afterwards
    advertise(h, (id) => id !== h.ids[0]);
    finish(h, h.server.closeStage());
  });

  it('masked vector of the wrong length', () => {
    const h = makeRound({ n: 4, length: 8 });
    advertise(h);
    respond(h, h.server.closeStage());
    const step = h.server.closeStage();
    const reply = h.clients[0].handle(messageFor(step, h.ids[0]));
    const short = resign({ ...reply, masked: new Uint32Array(7) } as ClientMessage, h.keys[0].privateKey);
    assert.throws(() => h.server.receive(short), rejects('MALFORMED', /7 entries/));
  });

  it('messages for another round', () => {
    const h = makeRound({ n: 4, roundId: 'round-1' });
    const other = makeRound({ n: 4, roundId: 'round-2', keys: h.keys });
    const foreign = other.clients[0].advertiseKeys(); // validly signed by the same identity key
    assert.throws(() => h.server.receive(foreign), rejects('WRONG_ROUND', /round-2/));
    // Changing the round id breaks the signature instead.
    assert.throws(() => h.server.receive({ ...foreign, roundId: 'round-1' }), rejects('BAD_SIGNATURE'));
  });

  it('replayed messages, in the same and in a later stage', () => {
    const h = makeRound({ n: 4 });
    const [first] = advertise(h);
    assert.throws(() => h.server.receive(first), rejects('REPLAY', /already sent its AdvertiseKeys/));
    const step = h.server.closeStage();
    assert.throws(() => h.server.receive(first), rejects('REPLAY'));
    const replies = respond(h, step);
    assert.throws(() => h.server.receive(replies[1]), rejects('REPLAY', /ShareKeys/));
    finish(h, h.server.closeStage());
  });

  it('messages from the wrong stage', () => {
    const h = makeRound({ n: 5, t: 3 });
    advertise(h, (id) => id !== h.ids[4]);
    const step = h.server.closeStage();
    // A late advertisement (never received before) is a wrong-stage message, not a replay.
    assert.throws(() => h.server.receive(h.clients[4].advertiseKeys()), rejects('WRONG_STAGE', /AdvertiseKeys message received during ShareKeys/));
    // A correctly signed message claiming a future stage.
    const early = resign(
      { type: 'MaskedInput', roundId: 'round-1', stage: 2, from: h.ids[0], masked: new Uint32Array(8), sig: new Uint8Array(64) },
      h.keys[0].privateKey,
    );
    assert.throws(() => h.server.receive(early), rejects('WRONG_STAGE'));
    finish(h, step);
  });

  it('badly signed messages', () => {
    const h = makeRound({ n: 4 });
    const m = h.clients[0].advertiseKeys();
    const flipped = clone(m);
    flipped.sig[10] ^= 1;
    assert.throws(() => h.server.receive(flipped), rejects('BAD_SIGNATURE'));
    // Content changed after signing (key substitution by a man in the middle).
    assert.throws(() => h.server.receive({ ...m, sPk: generateAgreementKeyPair().publicKey }), rejects('BAD_SIGNATURE'));
    // Signed by another participant's identity key (impersonation).
    assert.throws(() => h.server.receive(resign(m, h.keys[1].privateKey)), rejects('BAD_SIGNATURE', new RegExp(h.ids[0])));
    h.server.receive(m);
  });

  it('unknown senders', () => {
    const h = makeRound({ n: 4 });
    const m = h.clients[0].advertiseKeys();
    assert.throws(() => h.server.receive({ ...m, from: 'mallory' }), rejects('UNKNOWN_SENDER'));
  });

  it('protocol violations: reused or low-order keys, wrong share recipients, non-members', () => {
    const h = makeRound({ n: 5, t: 3 });
    const a0 = h.clients[0].advertiseKeys();
    h.server.receive(a0);
    const a1 = h.clients[1].advertiseKeys();
    assert.throws(() => h.server.receive(resign({ ...a1, sPk: a0.sPk }, h.keys[1].privateKey)), rejects('PROTOCOL_VIOLATION', /already in use/));
    assert.throws(() => h.server.receive(resign({ ...a1, sPk: new Uint8Array(32) }, h.keys[1].privateKey)), rejects('PROTOCOL_VIOLATION', /low-order/));
    h.server.receive(a1);
    for (const c of h.clients.slice(2, 4)) h.server.receive(c.advertiseKeys());
    const step = h.server.closeStage(); // client 4 never advertised
    const reply = h.clients[0].handle(messageFor(step, h.ids[0])) as ShareKeysMessage;
    const fewer = resign({ ...reply, shares: reply.shares.slice(1) }, h.keys[0].privateKey);
    assert.throws(() => h.server.receive(fewer), rejects('PROTOCOL_VIOLATION', /expected 3/));
    const misrouted = resign({ ...reply, shares: [...reply.shares.slice(1), { ...reply.shares[0], to: h.ids[4] }] }, h.keys[0].privateKey);
    assert.throws(() => h.server.receive(misrouted), rejects('PROTOCOL_VIOLATION', /not in its committee/));
    const outsider = resign({ ...reply, from: h.ids[4] }, h.keys[4].privateKey);
    assert.throws(() => h.server.receive(outsider), rejects('PROTOCOL_VIOLATION', /not in U1/));
    h.server.receive(reply);
    respond(h, step, (id) => id !== h.ids[0]);
    finish(h, h.server.closeStage());
  });
});

describe('fuzzing: corrupted encodings are always rejected with a typed error', () => {
  it('byte flips in AdvertiseKeys and MaskedInput messages never get accepted', () => {
    const h = makeRound({ n: 4, length: 6 });
    const adverts = advertise(h, (id) => id !== h.ids[3]);
    const late = h.clients[3].advertiseKeys();
    const mutate = (bytes: Uint8Array, flips: [number, number][]) => {
      const b = Uint8Array.from(bytes);
      for (const [pos, bit] of flips) b[pos % b.length] ^= 1 << bit;
      return b;
    };
    const flips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 3 });
    const attempt = (bytes: Uint8Array, original: Uint8Array) => {
      fc.pre(Buffer.compare(Buffer.from(bytes), Buffer.from(original)) !== 0); // flips may cancel out
      try {
        h.server.receive(decodeMessage(bytes));
      } catch (e) {
        assert.ok(e instanceof SecAggError, String(e));
        return;
      }
      assert.fail('a corrupted message was accepted');
    };
    const lateBytes = encodeMessage(late);
    fc.assert(fc.property(flips, (f) => attempt(mutate(lateBytes, f), lateBytes)), { numRuns: 300 });
    h.server.receive(late);
    void adverts;
    respond(h, h.server.closeStage());
    const step = h.server.closeStage();
    const masked = h.clients[0].handle(messageFor(step, h.ids[0]));
    const maskedBytes = encodeMessage(masked);
    fc.assert(fc.property(flips, (f) => attempt(mutate(maskedBytes, f), maskedBytes)), { numRuns: 300 });
    h.server.receive(masked);
    respond(h, step, (id) => id !== h.ids[0]);
    finish(h, h.server.closeStage());
  });
});

describe('clients reject bad server messages (and stay usable)', () => {
  function atShareKeys(n = 5) {
    const h = makeRound({ n, t: 3 });
    advertise(h);
    const step = h.server.closeStage();
    return { h, step, m: messageFor(step, h.ids[0]) as ShareKeysRequest };
  }

  it('malformed, wrong round, misaddressed, wrong stage, replay', () => {
    const { h, step, m } = atShareKeys();
    const c = h.clients[0];
    assert.throws(() => c.handle({ ...m, advertisements: 'x' }), rejects('MALFORMED'));
    assert.throws(() => c.handle({ ...m, to: undefined }), rejects('MALFORMED', /missing field "to"/));
    assert.throws(() => c.handle(h.clients[1].advertiseKeys.call(makeRound({ n: 2 }).clients[0])), rejects('MALFORMED', /only accept server messages/));
    assert.throws(() => c.handle({ ...m, roundId: 'round-0' }), rejects('WRONG_ROUND'));
    assert.throws(() => c.handle(messageFor(step, h.ids[1])), rejects('PROTOCOL_VIOLATION', /addressed to/));
    const future: ConsistencyRequest = { type: 'ConsistencyRequest', roundId: 'round-1', stage: 3, to: h.ids[0], maskedInputSurvivors: h.ids };
    assert.throws(() => c.handle(future), rejects('WRONG_STAGE'));
    c.handle(m);
    assert.throws(() => c.handle(m), rejects('REPLAY'));
  });

  it('advertisements: forged, substituted, own key altered, duplicates, non-neighbours', () => {
    const { h, m } = atShareKeys();
    const c = h.clients[0];
    const adv = m.advertisements;
    const other = adv.findIndex((a) => a.from === h.ids[1]);
    const own = adv.findIndex((a) => a.from === h.ids[0]);
    const withAdv = (i: number, a: AdvertiseKeysMessage) => ({ ...m, advertisements: adv.map((x, j) => (j === i ? a : x)) });
    // The server swaps in its own key for client 1 (it cannot sign for client 1).
    assert.throws(() => c.handle(withAdv(other, { ...adv[other], cPk: generateAgreementKeyPair().publicKey })), rejects('BAD_SIGNATURE', new RegExp(h.ids[1])));
    // Own advertisement replaced by another validly signed one of the same client (e.g. replayed from elsewhere).
    const mine2 = resign({ ...adv[own], cPk: generateAgreementKeyPair().publicKey }, h.keys[0].privateKey);
    assert.throws(() => c.handle(withAdv(own, mine2)), rejects('PROTOCOL_VIOLATION', /own advertisement/));
    assert.throws(() => c.handle({ ...m, advertisements: adv.filter((_, i) => i !== own) }), rejects('PROTOCOL_VIOLATION', /own advertisement missing/));
    // Client 1 (compromised) copies client 2's key: keys must be distinct.
    const copy = resign({ ...adv[other], sPk: adv.find((a) => a.from === h.ids[2])!.sPk }, h.keys[1].privateKey);
    assert.throws(() => c.handle(withAdv(other, copy)), rejects('PROTOCOL_VIOLATION', /not distinct/));
    assert.throws(() => c.handle({ ...m, advertisements: [...adv, adv[other]] }), rejects('REPLAY', /two advertisements/));
    const stale = makeRound({ n: 5, t: 3, roundId: 'round-0', keys: h.keys }).clients[1].advertiseKeys();
    assert.throws(() => c.handle(withAdv(other, stale)), rejects('WRONG_ROUND'));
    assert.equal(c.handle(m).type, 'ShareKeys');
  });

  it('advertisement from a non-neighbour under SecAgg+', () => {
    const h = makeRound({ n: 12, neighbours: 4, t: 3, consistencyThreshold: 7 });
    const msgs = advertise(h) as AdvertiseKeysMessage[];
    const step = h.server.closeStage();
    const m = messageFor(step, h.ids[0]) as ShareKeysRequest;
    const outsider = msgs.find((a) => !h.params.inCommittee(0, h.ids.indexOf(a.from)))!;
    assert.throws(() => h.clients[0].handle({ ...m, advertisements: [...m.advertisements, outsider] }), rejects('PROTOCOL_VIOLATION', /not a neighbour/));
  });

  it('share ciphertexts: tampered or redirected; inconsistent U2', () => {
    const h = makeRound({ n: 5, t: 3 });
    advertise(h);
    respond(h, h.server.closeStage());
    const step = h.server.closeStage();
    const m = messageFor(step, h.ids[0]) as MaskedInputRequest;
    const c = h.clients[0];
    const tampered = clone(m);
    tampered.shares[0].ciphertext[20] ^= 1;
    assert.throws(() => c.handle(tampered), rejects('DECRYPTION_FAILED', new RegExp(m.shares[0].from)));
    // A ciphertext client 1 addressed to client 2, presented to client 0 as if for it.
    const for2 = (messageFor(step, h.ids[2]) as MaskedInputRequest).shares.find((s) => s.from === h.ids[1])!;
    const redirected = { ...m, shares: m.shares.map((s) => (s.from === h.ids[1] ? for2 : s)) };
    assert.throws(() => c.handle(redirected), rejects('DECRYPTION_FAILED'));
    assert.throws(() => c.handle({ ...m, shares: m.shares.slice(1) }), rejects('PROTOCOL_VIOLATION', /expected 4 share ciphertexts/));
    assert.throws(() => c.handle({ ...m, shareKeysSurvivors: m.shareKeysSurvivors.filter((x) => x !== h.ids[0]) }), rejects('PROTOCOL_VIOLATION', /missing from U2/));
    assert.throws(() => c.handle({ ...m, shareKeysSurvivors: [...m.shareKeysSurvivors, 'ghost'] }), rejects('UNKNOWN_SENDER'));
    assert.equal(c.handle(m).type, 'MaskedInput');
  });

  it('consistency and unmask requests: forged signatures, wrong sets, other rounds', () => {
    const keys = makeRound({ n: 5 }).keys;
    const h = makeRound({ n: 5, t: 3, keys });
    advertise(h);
    respond(h, h.server.closeStage());
    respond(h, h.server.closeStage());
    const cstep = h.server.closeStage();
    const c0 = messageFor(cstep, h.ids[0]) as ConsistencyRequest;
    assert.throws(() => h.clients[0].handle({ ...c0, maskedInputSurvivors: [...c0.maskedInputSurvivors, 'ghost'] }), rejects('UNKNOWN_SENDER'));
    respond(h, cstep);
    const ustep = h.server.closeStage();
    const u0 = messageFor(ustep, h.ids[0]) as UnmaskRequest;
    const c = h.clients[0];
    const forged = clone(u0);
    forged.consistencySignatures[1].sig[0] ^= 1;
    assert.throws(() => c.handle(forged), rejects('BAD_SIGNATURE'));
    const otherRound = makeRound({ n: 5, t: 3, keys, roundId: 'round-9' });
    advertise(otherRound);
    respond(otherRound, otherRound.server.closeStage());
    respond(otherRound, otherRound.server.closeStage());
    const foreignSig = respond(otherRound, otherRound.server.closeStage())[1];
    assert.throws(() => c.handle({ ...u0, consistencySignatures: u0.consistencySignatures.map((s, i) => (i === 1 ? foreignSig : s)) }), rejects('WRONG_ROUND'));
    assert.throws(() => c.handle({ ...u0, maskedInputSurvivors: u0.maskedInputSurvivors.slice(0, 4) }), rejects('PROTOCOL_VIOLATION', /differs from the set this client signed/));
    assert.throws(() => c.handle({ ...u0, consistencySignatures: u0.consistencySignatures.slice(0, 2) }), rejects('BELOW_THRESHOLD'));
    assert.throws(() => c.handle({ ...u0, consistencySignatures: [...u0.consistencySignatures.slice(0, 4), u0.consistencySignatures[0]] }), rejects('REPLAY', /two consistency signatures/));
    // Still answers the genuine request exactly once.
    assert.equal(c.handle(u0).type, 'Unmask');
    assert.throws(() => c.handle(u0), rejects('REPLAY'));
  });
});
