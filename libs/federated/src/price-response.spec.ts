import assert from 'node:assert/strict';
import { addWords } from './noise';
import type { SalesTransaction } from './demand-series';
import { decodePriceResponse, encodePriceResponse, exactStatistics, fitElasticity, observations, planPriceResponse, priceResponseClippedSum, rescaling, statisticsFromSums } from './price-response';
import { testRandom } from './testing/fixtures';

/** Sales whose log-quantity falls with log-price with slope `elasticity`, plus noise. */
function sales(seed: string, count: number, elasticity: number): SalesTransaction[] {
  const random = testRandom(seed);
  const uniform = () => random.nextUint32() / 2 ** 32;
  return Array.from({ length: count }, () => {
    const lines = ['A', 'B'].map((sku) => {
      const price = 100 * Math.exp(uniform() * 1.5);
      const quantity = Math.max(1, Math.round(Math.exp(5 + elasticity * Math.log(price / 100) + (uniform() - 0.5) * 0.6)));
      return { sku, quantity, unitPriceCents: price };
    });
    return { occurredAt: '2011-01-01T00:00:00Z', lines };
  });
}

/** Least squares by brute force on the observations (the oracle). */
function bruteForceSlope(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

const base = { skus: ['A', 'B'], minUnitPriceCents: 10, maxUnitPriceCents: 10_000, maxQuantity: 10_000, epsilon: 4, delta: 1e-5, participants: 3, minSurvivors: 3, maxTransactionsPerStore: 10_000 };

describe('price response', () => {
  it('fits the same slope from exact sufficient statistics as least squares on the observations', () => {
    const plan = planPriceResponse(base);
    const data = sales('exact', 500, -1.3);
    const [fitA] = exactStatistics(data, plan).map((s, i) => fitElasticity(plan.skus[i], s, 0, rescaling(plan.bounds).slopeFactor));
    const xs: number[] = [];
    const ys: number[] = [];
    for (const row of observations(data, plan)) for (const o of row) if (o.item === 0) (xs.push(o.x), ys.push(o.y));
    assert.ok(Math.abs(fitA.elasticity! - bruteForceSlope(xs, ys) * rescaling(plan.bounds).slopeFactor) < 1e-9);
    assert.ok(Math.abs(fitA.elasticity! + 1.3) < 0.1, `recovers the planted elasticity, got ${fitA.elasticity}`);
    assert.equal(fitA.observations, 500);
  });

  it('clips each transaction to √6 · observationsPerTransaction, exactly on the integers', () => {
    const plan = planPriceResponse({ ...base, observationsPerTransaction: 1 });
    for (const t of sales('bounds', 50, -1)) {
      const { values } = priceResponseClippedSum([t], plan);
      const squared = values.reduce((s, v) => s + v * v, 0);
      assert.ok(squared <= plan.blocks[0].bound ** 2);
    }
  });

  it('noisy fits across three stores have intervals that cover the non-private estimate', () => {
    const plan = planPriceResponse(base);
    const stores = ['s1', 's2', 's3'].map((s) => sales(s, 1500, -1.1));
    const exactSums = stores.map((t) => priceResponseClippedSum(t, plan).values).reduce((a, b) => a.map((v, i) => v + b[i]));
    const reference = statisticsFromSums(exactSums, plan).map((s, i) => fitElasticity(plan.skus[i], s, 0, rescaling(plan.bounds).slopeFactor));
    let covered = 0;
    let total = 0;
    for (let seed = 0; seed < 20; seed++) {
      const random = testRandom(`noise-${seed}`);
      const fits = decodePriceResponse(addWords(stores.map((t) => encodePriceResponse(t, plan, { random }))), plan, 3);
      fits.forEach((fit, i) => {
        total++;
        assert.ok(fit.interval, 'a fit with an interval');
        if (fit.interval!.low <= reference[i].elasticity! && reference[i].elasticity! <= fit.interval!.high) covered++;
      });
    }
    assert.ok(covered / total >= 0.9, `coverage ${covered}/${total}`);
  });

  it('publishes no fit for an item with too few observations', () => {
    const fit = fitElasticity('Z', { n: 1, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 }, 1, 1);
    assert.equal(fit.elasticity, undefined);
  });
});
