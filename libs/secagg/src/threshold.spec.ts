import assert from 'node:assert/strict';
import { BelowThresholdError, SecAggError } from './errors';
import { RoundParams } from './config';
import { generateIdentityKeyPair } from './crypto';
import { simulateRound } from './simulate';
import { advertise, makeRound, messageFor, respond } from './spec-helpers';
import { ShareKeysRequest } from './messages';

function belowThreshold(stage: string, survivors?: number, threshold?: number) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof BelowThresholdError, `expected BelowThresholdError, got ${String(e)}`);
    assert.equal(e.code, 'BELOW_THRESHOLD');
    assert.equal(e.details.stage, stage);
    if (survivors !== undefined) assert.equal(e.details.survivors, survivors);
    if (threshold !== undefined) assert.equal(e.details.threshold, threshold);
    assert.match(e.message, /threshold|need/);
    return true;
  };
}

describe('fewer survivors than the threshold fails cleanly', () => {
  it('after AdvertiseKeys: 5 of 10 with t = 6', () => {
    const h = makeRound({ n: 10, t: 6 });
    advertise(h, (id) => h.ids.indexOf(id) < 5);
    assert.throws(() => h.server.closeStage(), belowThreshold('AdvertiseKeys', 5, 6));
    assert.equal(h.server.state, 'failed');
    // A failed server refuses further work with a typed error, not a crash.
    assert.throws(() => h.server.closeStage(), (e: unknown) => e instanceof SecAggError && e.code === 'INVALID_STATE');
    assert.throws(() => h.server.receive(h.clients[9].advertiseKeys()), (e: unknown) => e instanceof SecAggError && e.code === 'INVALID_STATE');
  });

  it('after ShareKeys: 5 of 10 with t = 6', () => {
    const h = makeRound({ n: 10, t: 6 });
    advertise(h);
    const step = h.server.closeStage();
    respond(h, step, (id) => h.ids.indexOf(id) < 5);
    assert.throws(() => h.server.closeStage(), belowThreshold('ShareKeys', 5, 6));
  });

  it('after MaskedInputCollection: 5 of 10 with t = 6', () => {
    const h = makeRound({ n: 10, t: 6 });
    advertise(h);
    respond(h, h.server.closeStage());
    respond(h, h.server.closeStage(), (id) => h.ids.indexOf(id) < 5);
    assert.throws(() => h.server.closeStage(), belowThreshold('MaskedInputCollection', 5, 6));
  });

  it('after ConsistencyCheck: too few signatures on U3', () => {
    const h = makeRound({ n: 10, t: 6 });
    advertise(h);
    respond(h, h.server.closeStage());
    respond(h, h.server.closeStage());
    respond(h, h.server.closeStage(), (id) => h.ids.indexOf(id) < 5);
    assert.throws(() => h.server.closeStage(), belowThreshold('ConsistencyCheck', 5, 6));
  });

  it('at Unmasking: fewer than t clients return shares (no consistency check)', () => {
    const h = makeRound({ n: 10, t: 6, consistencyCheck: false });
    advertise(h);
    respond(h, h.server.closeStage());
    respond(h, h.server.closeStage());
    respond(h, h.server.closeStage(), (id) => h.ids.indexOf(id) < 5);
    assert.throws(() => h.server.closeStage(), belowThreshold('Unmasking', 5, 6));
    assert.equal(h.server.state, 'failed');
  });

  it('a client refuses to share keys with fewer than t advertised committee members', () => {
    const h = makeRound({ n: 10, t: 6 });
    advertise(h);
    const step = h.server.closeStage();
    const m = messageFor(step, h.ids[0]) as ShareKeysRequest;
    const small = { ...m, advertisements: m.advertisements.slice(0, 5) };
    assert.throws(() => h.clients[0].handle(small), belowThreshold('ShareKeys', 5, 6));
    // The rejection left the client intact: the honest request still works.
    assert.equal(h.clients[0].handle(m).type, 'ShareKeys');
  });

  it('simulation with 60% dropout reports a typed error instead of crashing', () => {
    const r = simulateRound({ clients: 20, length: 8, dropout: { afterShareKeys: 0.6 } });
    assert.equal(r.ok, false);
    assert.ok(r.error instanceof BelowThresholdError);
    assert.equal(r.error.details.stage, 'MaskedInputCollection');
  });

  it('SecAgg+: a committee losing too many members fails with the client named', () => {
    // n = 30, k = 4, t = 5 = whole committee: any dropped neighbour of a survivor makes its b_u unrecoverable.
    const h = makeRound({ n: 30, neighbours: 4, t: 5, consistencyThreshold: 16 });
    advertise(h);
    respond(h, h.server.closeStage());
    const step = h.server.closeStage();
    respond(h, step, (id) => id !== h.ids[0]);
    assert.throws(
      () => h.server.closeStage(),
      (e: unknown) => belowThreshold('MaskedInputCollection')(e) && typeof (e as SecAggError).details.client === 'string',
    );
  });

  it('invalid configurations are rejected with INVALID_CONFIG', () => {
    const keys = new Map(Array.from({ length: 6 }, (_, i) => [`c${i}`, generateIdentityKeyPair().publicKey]));
    const bad = (extra: object) => () => new RoundParams({ roundId: 'r', identityKeys: keys, threshold: 4, vectorLength: 4, ...extra });
    const isCfg = (e: unknown) => e instanceof SecAggError && e.code === 'INVALID_CONFIG';
    assert.throws(bad({ threshold: 7 }), isCfg);
    assert.throws(bad({ threshold: 1 }), isCfg);
    assert.throws(bad({ consistencyThreshold: 3 }), isCfg);
    assert.throws(bad({ vectorLength: 0 }), isCfg);
    assert.throws(bad({ neighbours: 2, threshold: 4 }), isCfg); // t > k + 1
    assert.throws(bad({ roundId: '' }), isCfg);
    assert.throws(bad({ participants: ['c0', 'c1', 'nobody'] , threshold: 2}), isCfg);
    assert.doesNotThrow(bad({}));
  });
});
