import assert from 'node:assert/strict';
import { DropPoint } from './simulate';
import { checkRound } from './sum-helpers';
import { advertise, makeRound, respond, sumOf } from './spec-helpers';

describe('unmasked sum equals the true sum (complete graph, Bonawitz et al.)', () => {
  it('3 clients, no dropout, through the binary codec', () => checkRound({ clients: 3, length: 64, serialize: true }));

  it('hand-driven round: sum of all inputs', () => {
    const h = makeRound({ n: 4, length: 16 });
    advertise(h);
    let step = h.server.closeStage();
    while (!step.done) {
      respond(h, step);
      step = h.server.closeStage();
    }
    assert.deepEqual(step.result.sum, sumOf(h.inputs, 16));
    assert.deepEqual(step.result.contributors, h.ids);
  });

  const points: DropPoint[] = ['afterAdvertise', 'afterShareKeys', 'afterMaskedInput', 'afterConsistency'];
  for (const n of [3, 10, 40]) {
    for (const point of points) {
      for (const rate of [0.1, 0.3]) {
        it(`${n} clients, ${rate * 100}% drop ${point}`, () => checkRound({ clients: n, length: 32, dropout: { [point]: rate } }));
      }
    }
  }

  it('3 clients, one drops after ShareKeys (t = 2): its pairwise masks are removed', () =>
    checkRound({ clients: 3, length: 128, threshold: 2, drop: { afterShareKeys: [1] } }));

  it('20 clients, 10% dropping at every stage (cumulative ~34%) with t = 11', () =>
    checkRound({ clients: 20, length: 50, threshold: 11, dropout: { beforeAdvertise: 0.1, afterAdvertise: 0.1, afterShareKeys: 0.1, afterMaskedInput: 0.05 } }));

  it('30 clients, 30% drop before advertising (never heard from)', () => checkRound({ clients: 30, length: 16, dropout: { beforeAdvertise: 0.3 } }));

  it('without the ConsistencyCheck round, 25 clients, 30% drop after ShareKeys', () =>
    checkRound({ clients: 25, length: 40, consistencyCheck: false, dropout: { afterShareKeys: 0.3 } }));

  it('inputs near 2^32 wrap correctly', () => checkRound({ clients: 6, length: 8, inputs: () => new Uint32Array(8).fill(0xffffffff) }));

  it('10 clients, no dropout', () => checkRound({ clients: 10, length: 32 }));

  it('200 clients, short vectors, 10% drop after ShareKeys and 10% after MaskedInput', () =>
    checkRound({ clients: 200, length: 16, dropout: { afterShareKeys: 0.1, afterMaskedInput: 0.1 } }));
});
