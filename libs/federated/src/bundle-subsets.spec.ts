import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { InputTransaction } from '@tessera/huim';
import { distributedGaussianGuarantee, epsilonToRho, seededRandomSource } from '@tessera/privacy';
import { roundConfig } from './config';
import { clippedSum, encodeContribution } from './encode';
import { decodeAggregate, releaseFromSums } from './decode';
import { addWords } from './noise';
import { itemsetKey } from './itemset';
import { bundleSubsets, planRound, type ClipBounds } from './plan';
import { arbCandidates, arbStore, database } from './testing/fixtures';

const config = (epsilon = 4) => roundConfig({ minStores: 3, epsilon, k: 3, minUtilityFraction: 0, maxLength: 3, topM: 10, maxTransactionsPerStore: 1000, calibrationShare: 0 });

/** Brute force: every proper non-empty subset of each 2-3 item candidate, minus the candidates. */
function oracleSubsets(candidates: string[][]): string[] {
  const keys = new Set<string>();
  const measured = new Set(candidates.map((c) => itemsetKey(c)));
  for (const c of candidates) {
    if (c.length < 2 || c.length > 3) continue;
    for (let mask = 1; mask < 2 ** c.length - 1; mask++) {
      const key = itemsetKey(c.filter((_, i) => (mask >> i) & 1));
      if (!measured.has(key)) keys.add(key);
    }
  }
  return [...keys].sort();
}

const contains = (t: InputTransaction, items: readonly string[]) => items.every((i) => t.items.includes(i));

test('property: bundle subsets are exactly the proper subsets of 2-3 item candidates that are not candidates', () => {
  fc.assert(
    fc.property(arbCandidates(6, 10), (candidates) => {
      assert.deepEqual(bundleSubsets(candidates).map((s) => itemsetKey(s)).sort(), oracleSubsets(candidates));
    }),
  );
  assert.deepEqual(bundleSubsets([['a'], ['b']]), [], 'singletons need no parts');
  assert.deepEqual(bundleSubsets([['a', 'b'], ['a']]), [['b']]);
  assert.deepEqual(bundleSubsets([['a', 'b', 'c', 'd']]), [], 'bundles of four or more items are not decomposed');
});

test('property: the subset block leaves the utility precision alone and stays inside the round budget', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0.5, max: 10, noNaN: true }), (pairs, epsilon) => {
      const clip: ClipBounds = { utility: 2000, supportCount: 3, transactionUtility: 8000 };
      const singletons = Array.from({ length: pairs }, (_, i) => [`sku-${i}`]);
      const bundles = Array.from({ length: pairs }, (_, i) => [`sku-${i}`, `other-${i}`]);
      const plain = planRound(config(epsilon), { participants: 3, candidates: singletons, clip });
      const withBundles = planRound(config(epsilon), { participants: 3, candidates: [...singletons, ...bundles], clip });
      assert.equal(withBundles.subsets.length, pairs, 'each bundle needs its other item');
      assert.equal(withBundles.layout.length, 2 * 2 * pairs + 3 + pairs);
      const q = withBundles.quantisation;
      assert.equal(q.l2SquaredBound, q.blockSquaredBounds.utility + q.blockSquaredBounds.support + q.blockSquaredBounds.subsetSupport + q.blockSquaredBounds.counts + q.blockSquaredBounds.totalUtility);
      assert.equal(q.blockSquaredBounds.subsetSupport, clip.supportCount * q.supportUnit ** 2);
      // Utilities: same noise relative to the clip bound (within the scale search's rounding).
      const utilityStd = (p: typeof plain) => p.noise.centralSigma / p.quantisation.utilityScale;
      assert.ok(Math.abs(utilityStd(withBundles) / utilityStd(plain) - 1) < 0.05, `${utilityStd(withBundles)} vs ${utilityStd(plain)}`);
      assert.ok(withBundles.privacy.roundRho <= epsilonToRho(epsilon, 1e-5) * (1 + 1e-12));
      for (const survivors of [3]) {
        const guarantee = distributedGaussianGuarantee({ shareSigma2: withBundles.noise.shareSigma2, survivors, l2Sensitivity: q.l2Sensitivity, dimension: withBundles.layout.length });
        assert.ok(guarantee.rho <= withBundles.privacy.rho * (1 + 1e-12));
      }
    }),
    { numRuns: 40 },
  );
});

test('property: without noise, the release gives every part of each published bundle its exact support and N', () => {
  fc.assert(
    fc.property(fc.array(arbStore(15), { minLength: 3, maxLength: 3 }), arbCandidates(6, 8), (stores, candidates) => {
      // Clip bounds no transaction reaches, so the clipped sums are the exact ones.
      const clip: ClipBounds = { utility: 1e6, supportCount: 64, transactionUtility: 1e6 };
      const plan = planRound(config(), { participants: 3, candidates, clip });
      const total = new Array<number>(plan.layout.length).fill(0);
      for (const transactions of stores) clippedSum(database(transactions), plan).values.forEach((v, i) => (total[i] += v));
      const release = releaseFromSums(total, plan, { std: 1, survivors: 3, mechanism: 'central-discrete-gaussian' });
      const all = stores.flat();
      assert.equal(release.totals.transactions, all.length, 'N: each transaction contributes 1');
      assert.equal(release.noise.transactionsStd, 1 / plan.quantisation.countUnit);
      const supports = new Map<string, number>();
      for (const p of release.patterns) supports.set(itemsetKey(p.items), p.support);
      for (const s of release.subsetSupports) {
        assert.ok(!supports.has(itemsetKey(s.items)), 'a published pattern is not listed again');
        supports.set(itemsetKey(s.items), s.support);
      }
      for (const pattern of release.patterns.filter((p) => p.items.length >= 2 && p.items.length <= 3)) {
        for (let mask = 1; mask < 2 ** pattern.items.length - 1; mask++) {
          const part = pattern.items.filter((_, i) => (mask >> i) & 1);
          assert.equal(supports.get(itemsetKey(part)), all.filter((t) => contains(t, part)).length, `support of ${part} (part of ${pattern.items})`);
        }
      }
    }),
    { numRuns: 100 },
  );
});

test('simulation: through encode, mod-2^32 sum and decode, N and the parts\' supports carry exactly the noise σ the release states', () => {
  const stores: InputTransaction[][] = [0, 1, 2].map((s) =>
    Array.from({ length: 600 + 100 * s }, (_, t) => ({ items: t % 3 === 0 ? ['apple', 'bread', 'cheese'] : t % 3 === 1 ? ['apple', 'bread'] : ['cheese'], utilities: t % 3 === 0 ? [100, 200, 300] : t % 3 === 1 ? [100, 200] : [300] })),
  );
  const dbs = stores.map((transactions) => database(transactions));
  const clip: ClipBounds = { utility: 700, supportCount: 8, transactionUtility: 700 };
  const plan = planRound(config(1), { participants: 3, candidates: [['apple', 'bread'], ['apple', 'bread', 'cheese']], clip });
  assert.deepEqual(plan.subsets, [['apple'], ['bread'], ['cheese'], ['apple', 'cheese'], ['bread', 'cheese']]);
  const all = stores.flat();
  const exactSupport = (items: string[]) => all.filter((t) => contains(t, items)).length;
  const runs = 150;
  const errors = { transactions: [] as number[], apple: [] as number[], breadCheese: [] as number[] };
  let stated = { transactionsStd: 0, supportStd: 0 };
  for (let run = 0; run < runs; run++) {
    const random = seededRandomSource(Buffer.from(`bundle-subsets/noise/${run}`).toString('hex'));
    const sum = addWords(dbs.map((db) => encodeContribution(db, plan, { random }).vector));
    const release = decodeAggregate(sum, plan, 3);
    stated = { transactionsStd: release.noise.transactionsStd, supportStd: release.noise.supportStd };
    errors.transactions.push(release.totals.transactions - all.length);
    // Raw (unrounded) noisy supports: the interval's centre.
    const raw = (items: string[]) => {
      const found = [...release.patterns.map((p) => ({ items: p.items, centre: (p.supportInterval.low + p.supportInterval.high) / 2, clamped: p.supportInterval.low === 0 })), ...release.subsetSupports.map((p) => ({ items: p.items, centre: (p.supportInterval.low + p.supportInterval.high) / 2, clamped: p.supportInterval.low === 0 }))].find((p) => itemsetKey(p.items) === itemsetKey(items));
      assert.ok(found && !found.clamped, `${items} is published with an unclamped interval`);
      return found.centre;
    };
    errors.apple.push(raw(['apple']) - exactSupport(['apple']));
    errors.breadCheese.push(raw(['bread', 'cheese']) - exactSupport(['bread', 'cheese']));
  }
  const std = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / xs.length);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  // The discrete Gaussian's variance is slightly below σ², so the stated σ is an upper bound; with
  // 150 draws the empirical σ is within ±15% of the true one except with negligible probability.
  for (const [name, xs, sigma] of [['N', errors.transactions, stated.transactionsStd], ['{apple}', errors.apple, stated.supportStd], ['{bread, cheese}', errors.breadCheese, stated.supportStd]] as const) {
    assert.ok(sigma > 0.5, `${name}: noise large enough to measure (${sigma})`);
    assert.ok(std(xs) > 0.85 * sigma && std(xs) < 1.1 * sigma, `${name}: empirical σ ${std(xs)} vs stated ${sigma}`);
    assert.ok(Math.abs(mean(xs)) < (4 * sigma) / Math.sqrt(runs), `${name}: unbiased (mean error ${mean(xs)})`);
  }
});
