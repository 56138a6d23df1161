import assert from 'node:assert/strict';
import { checkRound } from './sum-helpers';
import { advertise, makeRound, respond, sumOf } from './spec-helpers';

describe('unmasked sum equals the true sum (SecAgg+ Harary graph, Bell et al.)', () => {
  for (const [n, k] of [
    [12, 6],
    [40, 14],
    [60, 20],
  ] as const) {
    for (const point of ['afterAdvertise', 'afterShareKeys', 'afterMaskedInput'] as const) {
      it(`${n} clients, degree ${k}, 20% drop ${point}`, () => checkRound({ clients: n, length: 24, neighbours: k, dropout: { [point]: 0.2 } }));
    }
  }

  it('40 clients, degree 8, no dropout', () => checkRound({ clients: 40, length: 24, neighbours: 8 }));

  it('odd degree on an even number of clients (antipodal edges)', () => checkRound({ clients: 30, length: 16, neighbours: 9, dropout: { afterShareKeys: 0.1 } }));

  it('200 clients, degree 40, 30% drop after ShareKeys, through the codec', () =>
    checkRound({ clients: 200, length: 16, neighbours: 40, serialize: true, dropout: { afterShareKeys: 0.3 } }));

  it('200 clients, degree 40, 30% drop after MaskedInput, no consistency check', () =>
    checkRound({ clients: 200, length: 16, neighbours: 40, consistencyCheck: false, dropout: { afterMaskedInput: 0.3 } }));

  it('a client with too few live neighbours is excluded, not crashed on', () => {
    // Three of client 0's four neighbours never show up: with t = 3 it cannot be protected, so
    // the server excludes it at AdvertiseKeys; everyone else still aggregates correctly.
    const h = makeRound({ n: 24, neighbours: 4, t: 3, length: 8 });
    const absent = new Set(h.params.committee(0).filter((v) => v !== 0).slice(0, 3).map((v) => h.ids[v]));
    advertise(h, (id) => !absent.has(id));
    let step = h.server.closeStage();
    assert.ok(!step.done && !step.messages.some((m) => m.to === h.ids[0]), 'excluded client gets no ShareKeys request');
    while (!step.done) {
      respond(h, step);
      step = h.server.closeStage();
    }
    assert.ok(step.result.excluded.includes(h.ids[0]));
    const contributors = new Set(step.result.contributors);
    assert.ok(!contributors.has(h.ids[0]));
    assert.deepEqual(step.result.sum, sumOf(h.inputs.filter((_, i) => contributors.has(h.ids[i])), 8));
  });
});
