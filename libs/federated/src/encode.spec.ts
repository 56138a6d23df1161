import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { InputTransaction } from '@tessera/huim';
import { roundConfig } from './config';
import { clippedSum, encodeContribution } from './encode';
import { decodeAggregate } from './decode';
import { addWords, fromWord, toWord } from './noise';
import { planRound, type ClipBounds, type RoundPlan } from './plan';
import { arbCandidates, arbStore, database, oracleClippedSum, testRandom } from './testing/fixtures';

function plan(candidates: string[][], clip: ClipBounds, options: { participants?: number; minStores?: number; maxTransactionsPerStore?: number; epsilon?: number; minUtilityFraction?: number } = {}): RoundPlan {
  const participants = options.participants ?? 3;
  const config = roundConfig({
    minStores: options.minStores ?? participants,
    epsilon: options.epsilon ?? 4,
    k: Math.min(5, participants),
    minUtilityFraction: options.minUtilityFraction ?? 0,
    maxLength: 3,
    topM: 10,
    maxTransactionsPerStore: options.maxTransactionsPerStore ?? 1000,
    calibrationShare: 0,
  });
  return planRound(config, { participants, candidates, clip });
}

const arbClip = fc.record({
  utility: fc.double({ min: 50, max: 20000, noNaN: true }),
  supportCount: fc.integer({ min: 1, max: 4 }),
  transactionUtility: fc.double({ min: 50, max: 40000, noNaN: true }),
});

const words = (values: readonly number[]): Uint32Array => Uint32Array.from(values, toWord);

test('property: a store\'s clipped integer vector equals the brute-force oracle of the documented rules', () => {
  fc.assert(
    fc.property(arbStore(20), arbCandidates(), arbClip, (transactions, candidates, clip) => {
      const p = plan(candidates, clip);
      assert.deepEqual(clippedSum(database(transactions), p).values, oracleClippedSum(transactions, p));
    }),
    { numRuns: 150 },
  );
});

test('property: removing one transaction moves the sum by at most the declared L2 sensitivity', () => {
  fc.assert(
    fc.property(arbStore(15, 6, 100_000), arbCandidates(6, 12), arbClip, fc.nat(), (transactions, candidates, clip, pick) => {
      const p = plan(candidates, clip);
      const without = transactions.filter((_, i) => i !== pick % transactions.length);
      const a = clippedSum(database(transactions), p).values;
      const b = without.length ? clippedSum(database(without), p).values : new Array<number>(a.length).fill(0);
      const squared = a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
      assert.ok(squared <= p.quantisation.l2SquaredBound, `moved by ${Math.sqrt(squared)} > ${p.quantisation.l2Sensitivity}`);
      assert.ok(p.quantisation.l2Sensitivity ** 2 >= p.quantisation.l2SquaredBound);
    }),
    { numRuns: 200 },
  );
});

test('property: with zero noise, encode (mod 2^32) then decode gives back the exact clipped sums of all stores', () => {
  fc.assert(
    fc.property(fc.array(arbStore(12), { minLength: 3, maxLength: 3 }), arbCandidates(), arbClip, (stores, candidates, clip) => {
      const p = plan(candidates, clip);
      const sums = stores.map((transactions) => oracleClippedSum(transactions, p));
      const total = sums[0].map((_, i) => sums.reduce((s, v) => s + v[i], 0));
      const release = decodeAggregate(addWords(sums.map(words)), p, 3);
      const q = p.quantisation;
      const published = new Map(release.patterns.map((pattern) => [JSON.stringify(pattern.items), pattern]));
      p.candidates.forEach((items, c) => {
        const pattern = published.get(JSON.stringify(items));
        if (total[c] <= 0) return assert.equal(pattern, undefined);
        assert.ok(pattern, `candidate ${JSON.stringify(items)} with positive utility must be published at threshold 0`);
        assert.equal(pattern.utility, Math.round(total[c] / q.utilityScale));
        assert.equal(pattern.support, Math.round(total[p.layout.support + c] / q.supportUnit));
      });
      assert.equal(release.totals.transactions, stores.reduce((s, t) => s + t.length, 0));
    }),
    { numRuns: 100 },
  );
});

test('property: the chosen scale cannot overflow: the plan bound holds and fits in 2^31', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 2_000_000 }),
      fc.integer({ min: 1, max: 2000 }),
      arbClip,
      fc.double({ min: 0.1, max: 20, noNaN: true }),
      (participants, maxTransactionsPerStore, candidateCount, clip, epsilon) => {
        const candidates = Array.from({ length: candidateCount }, (_, i) => [`sku-${i}`]);
        let p: RoundPlan;
        try {
          p = plan(candidates, clip, { participants, maxTransactionsPerStore, epsilon });
        } catch (error) {
          assert.match(String(error), /32-bit|headroom/, 'the only acceptable refusal is a too-small scale');
          return;
        }
        const q = p.quantisation;
        const largest = Math.max(q.utilityBound, q.supportUnit, q.countUnit, q.totalUtilityBound);
        assert.ok(participants * maxTransactionsPerStore * largest <= p.overflow.maxAbsSignal);
        assert.ok(p.overflow.maxAbsSignal + p.overflow.noiseTailBound <= 2 ** 31 - 1);
        assert.ok(p.overflow.noiseTailBound >= 9 * Math.sqrt(participants) * p.noise.shareSigma, 'tail bound is at least 9 standard deviations');
      },
    ),
    { numRuns: 200 },
  );
});

test('worst case: every store full of maximal transactions still decodes to the exact signed sums', () => {
  const maxTransactionsPerStore = 400;
  const candidates = [['apple'], ['apple', 'bread'], ['bread'], ['cheese']];
  const p = plan(candidates, { utility: 100, supportCount: 1, transactionUtility: 100 }, { participants: 4, maxTransactionsPerStore });
  const huge: InputTransaction = { items: ['apple', 'bread', 'cheese'], utilities: [1e9, 1e9, 1e9] };
  const single: InputTransaction = { items: ['cheese'], utilities: [1e12] };
  const stores = [
    Array.from({ length: maxTransactionsPerStore }, () => huge),
    Array.from({ length: maxTransactionsPerStore }, () => single),
    Array.from({ length: maxTransactionsPerStore }, () => single),
    Array.from({ length: maxTransactionsPerStore }, () => single),
  ];
  const plain = stores.map((transactions) => clippedSum(database(transactions), p).values);
  const total = plain[0].map((_, i) => plain.reduce((s, v) => s + v[i], 0));
  assert.ok(Math.max(...total) > 2 ** 29, 'the test really goes near the 32-bit limit');
  assert.ok(Math.max(...total) <= p.overflow.maxAbsSignal);
  const random = testRandom('worst-case');
  const encoded = stores.map((transactions) => encodeContribution(database(transactions), p, { random }).vector);
  const decoded = Array.from(addWords(encoded), fromWord);
  decoded.forEach((value, i) => assert.ok(Math.abs(value - total[i]) <= p.overflow.noiseTailBound, `coordinate ${i} wrapped: ${value} vs ${total[i]}`));
  assert.throws(() => clippedSum(database([...stores[1], single]), p), /maxTransactionsPerStore/);
});

test('noise shares are independent across stores and centred on the clipped sum', () => {
  const candidates = [['apple'], ['bread']];
  const p = plan(candidates, { utility: 1000, supportCount: 2, transactionUtility: 5000 });
  const transactions: InputTransaction[] = [{ items: ['apple', 'bread'], utilities: [300, 400] }];
  const db = database(transactions);
  const exact = clippedSum(db, p).values;
  const random = testRandom('noise');
  const draws = Array.from({ length: 400 }, () => Array.from(encodeContribution(db, p, { random }).vector, fromWord)[0] - exact[0]);
  const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
  const sd = Math.sqrt(draws.reduce((s, v) => s + (v - mean) ** 2, 0) / draws.length);
  assert.ok(Math.abs(mean) < (4 * p.noise.shareSigma) / Math.sqrt(draws.length), `mean ${mean}`);
  assert.ok(Math.abs(sd / p.noise.shareSigma - 1) < 0.15, `sd ${sd} vs σ_i ${p.noise.shareSigma}`);
  assert.notEqual(draws[0], draws[1]);
});
