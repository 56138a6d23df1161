import assert from 'node:assert/strict';
import { addWords } from './noise';
import { decodeDemandSeries, demandSeriesClippedSum, encodeDemandSeries, exactDemandSeries, planDemandSeries, seriesFromSums, type SalesTransaction } from './demand-series';
import { testRandom } from './testing/fixtures';

function store(seed: string, count: number): SalesTransaction[] {
  const random = testRandom(seed);
  const skus = ['A', 'B', 'C', 'D'];
  return Array.from({ length: count }, () => {
    const day = 1 + (random.nextUint32() % 60);
    const lines = skus.filter(() => random.nextUint32() % 2 === 0).map((sku) => ({ sku, quantity: 1 + (random.nextUint32() % 12), unitPriceCents: 50 + (random.nextUint32() % 500) }));
    return { occurredAt: new Date(Date.UTC(2011, 0, day, 10)).toISOString(), lines };
  });
}

const base = { skus: ['A', 'B', 'C'], period: 'week' as const, fromDate: '2011-01-03', toDate: '2011-02-27', epsilon: 4, delta: 1e-5, participants: 3, minSurvivors: 3, maxTransactionsPerStore: 10_000 };

describe('demand series', () => {
  it('without clipping, the noiseless sum is the exact per-item, per-week quantity, count and per-item revenue (brute-force oracle)', () => {
    const plan = planDemandSeries({ ...base, maxQuantityPerTransaction: 1e4, maxRevenueCentsPerTransaction: 1e7 });
    const transactions = store('exact', 300);
    const sum = demandSeriesClippedSum(transactions, plan);
    const exact = exactDemandSeries(transactions, plan);
    const [q, n, e, , r] = plan.blocks;
    const P = plan.periods.length;
    // Counts: a transaction holding h catalogue items adds 1/√h to each of their cells.
    const counts = new Map<string, number>();
    for (const t of transactions) {
      const held = [...new Set(t.lines.filter((l) => plan.skus.includes(l.sku)).map((l) => l.sku))];
      const week = plan.periods.find((start) => start <= t.occurredAt.slice(0, 10) && t.occurredAt.slice(0, 10) < new Date(Date.parse(start) + 7 * 86_400_000).toISOString().slice(0, 10));
      for (const sku of held) counts.set(`${sku}|${week}`, (counts.get(`${sku}|${week}`) ?? 0) + 1 / Math.sqrt(held.length));
    }
    plan.skus.forEach((sku, i) => {
      let revenue = 0;
      plan.periods.forEach((week, p) => {
        const cell = exact.get(`${sku}|${week}`) ?? { quantity: 0, revenueCents: 0 };
        revenue += cell.revenueCents;
        // Rounding to integer units moves each transaction by at most half a unit (or √h/2 after shrinking).
        assert.ok(Math.abs(sum.values[q.offset + i * P + p] / plan.quantityScales[i] - cell.quantity) <= (0.5 * 300) / plan.quantityScales[i], `${sku} ${week}`);
        assert.ok(Math.abs(sum.values[n.offset + i * P + p] / n.bound - (counts.get(`${sku}|${week}`) ?? 0)) <= 300 / n.bound, `${sku} ${week} count`);
      });
      assert.ok(Math.abs(sum.values[e.offset + i]) <= 300, `${sku}: no excess above a clip nothing reaches`);
      assert.ok(Math.abs(sum.values[r.offset + i] / r.scale - revenue) <= (0.5 * 300) / r.scale + 1e-9, `${sku} revenue`);
    });
  });

  it("splits each cell at the clip: measured part plus count × the item's mean excess, which keeps every item's total (brute-force oracle)", () => {
    const plan = planDemandSeries({ ...base, maxQuantityPerTransaction: 3, maxExcessPerTransaction: 20, maxRevenueCentsPerTransaction: 1e7 });
    const transactions = store('hybrid', 300);
    const sum = demandSeriesClippedSum(transactions, plan);
    const points = seriesFromSums(sum.values, plan, 0);
    const exact = exactDemandSeries(transactions, plan);
    const [q, n] = plan.blocks;
    const P = plan.periods.length;
    assert.ok(sum.clippedTransactions > 0, 'the fixture must exceed the clip');
    plan.skus.forEach((sku, i) => {
      const cells = points.filter((x) => x.sku === sku);
      const total = plan.periods.reduce((s, week) => s + (exact.get(`${sku}|${week}`)?.quantity ?? 0), 0);
      const published = cells.reduce((s, x) => s + x.quantity, 0);
      // Rounding: half an integer unit per transaction in the clipped part and in the excess total.
      const rounding = 150 / plan.quantityScales[i] + 150 / plan.blocks[2].scale;
      assert.ok(Math.abs(published - total) <= rounding, `${sku}: ${published} vs ${total} ± ${rounding}`);
      const below = plan.periods.map((_, p) => sum.values[q.offset + i * P + p] / plan.quantityScales[i]);
      const counts = plan.periods.map((_, p) => sum.values[n.offset + i * P + p] / n.bound);
      const meanExcess = (total - below.reduce((a, b) => a + b, 0)) / counts.reduce((a, b) => a + b, 0);
      const countTotal = counts.reduce((a, b) => a + b, 0);
      cells.forEach((x, p) => assert.ok(Math.abs(x.quantity - (below[p] + counts[p] * meanExcess)) <= (counts[p] * rounding) / countTotal + 1e-6, `${sku} ${x.periodStart}`));
      // With no noise, σ is the sampling spread of the excess alone: positive where the item sold.
      assert.ok(cells.some((x) => x.quantitySigma > 0) && cells.every((x) => x.quantitySigma >= 0));
    });
  });

  it("publishes revenue as quantity × the item's mean unit price over the window (ratio estimator, noiseless oracle)", () => {
    const plan = planDemandSeries({ ...base, maxQuantityPerTransaction: 1e4, maxRevenueCentsPerTransaction: 1e7 });
    const transactions = store('ratio', 300);
    const points = seriesFromSums(demandSeriesClippedSum(transactions, plan).values, plan, 0);
    const exact = exactDemandSeries(transactions, plan);
    for (const sku of plan.skus) {
      const cells = plan.periods.map((week) => exact.get(`${sku}|${week}`) ?? { quantity: 0, revenueCents: 0 });
      const revenue = cells.reduce((s, c) => s + c.revenueCents, 0);
      const quantity = cells.reduce((s, c) => s + c.quantity, 0);
      const price = revenue / quantity;
      // Rounding: at most half an integer unit per transaction in each sum (300 transactions).
      const i = plan.skus.indexOf(sku);
      const quantityRounding = 150 / plan.quantityScales[i];
      const priceTolerance = price * ((150 / plan.blocks[4].scale) / revenue + (plan.periods.length * quantityRounding) / quantity) * 1.01;
      for (const [p, point] of points.filter((x) => x.sku === sku).entries()) {
        const tolerance = cells[p].quantity * priceTolerance + quantityRounding * (price + priceTolerance) + 1e-9;
        assert.ok(Math.abs(point.revenueCents - cells[p].quantity * price) <= tolerance, `${sku} ${point.periodStart}: ${point.revenueCents} vs ${cells[p].quantity * price} ± ${tolerance}`);
        // No noise and no excess above the clip: nothing to be uncertain about.
        assert.equal(point.revenueSigmaCents, 0);
      }
    }
  });

  it('bounds each transaction in the weighted L2 norm of its per-item clips, exactly on the integers', () => {
    const clips = [5, 2, 9];
    const plan = planDemandSeries({ ...base, maxQuantityPerTransaction: 5, maxQuantityBySku: clips, maxRevenueCentsPerTransaction: 300 });
    assert.deepEqual(plan.quantityClips, clips);
    let clippedSome = 0;
    for (const t of store('bounds', 200)) {
      const { values, clippedTransactions } = demandSeriesClippedSum([t], plan);
      clippedSome += clippedTransactions;
      for (const block of plan.blocks) {
        let squared = 0;
        for (let k = block.offset; k < block.offset + block.length; k++) squared += values[k] * values[k];
        assert.ok(squared <= block.bound * block.bound, `${block.name}: ${squared} > ${block.bound}²`);
      }
      // No item's quantity exceeds its own clip (plus half an integer unit of rounding).
      const P = plan.periods.length;
      clips.forEach((clip, i) => {
        for (let p = 0; p < P; p++) assert.ok(values[i * P + p] / plan.quantityScales[i] <= clip + 0.5 / plan.quantityScales[i]);
      });
    }
    assert.ok(clippedSome > 0, 'the fixture must exercise clipping');
  });

  it('gives each item the noise of its own clip', () => {
    const plan = planDemandSeries({ ...base, maxQuantityPerTransaction: 1, maxQuantityBySku: [1, 4, 10], maxRevenueCentsPerTransaction: 300 });
    const points = seriesFromSums(new Array(plan.length).fill(0), plan, 1000);
    const sigma = (sku: string) => points.find((p) => p.sku === sku)!.quantitySigma;
    assert.ok(Math.abs(sigma('B') / sigma('A') - 4) < 1e-9 && Math.abs(sigma('C') / sigma('A') - 10) < 1e-9);
    assert.throws(() => planDemandSeries({ ...base, maxQuantityPerTransaction: 1, maxQuantityBySku: [1, 2], maxRevenueCentsPerTransaction: 300 }), /clips for 3 items/);
  });

  it('leaves out returns and transactions outside the window', () => {
    const plan = planDemandSeries({ ...base, maxQuantityPerTransaction: 100, maxRevenueCentsPerTransaction: 1e5 });
    const { values, transactions } = demandSeriesClippedSum(
      [
        { occurredAt: '2010-12-31T10:00:00Z', lines: [{ sku: 'A', quantity: 3, unitPriceCents: 100 }] },
        { occurredAt: '2011-01-05T10:00:00Z', lines: [{ sku: 'A', quantity: -3, unitPriceCents: 100 }] },
      ],
      plan,
    );
    assert.equal(transactions, 0);
    assert.ok(values.every((v) => v === 0));
  });

  it('decodes the masked-free sum of three stores near the exact series, with intervals from the known σ', () => {
    const plan = planDemandSeries({ ...base, maxQuantityPerTransaction: 1e3, maxRevenueCentsPerTransaction: 1e6 });
    const stores = ['s1', 's2', 's3'].map((s) => store(s, 400));
    const random = testRandom('noise');
    const sum = addWords(stores.map((t) => encodeDemandSeries(t, plan, { random })));
    const points = decodeDemandSeries(sum, plan, 3);
    const exact = exactDemandSeries(stores.flat(), plan);
    assert.equal(points.length, plan.skus.length * plan.periods.length);
    let inside = 0;
    for (const point of points) {
      const truth = exact.get(`${point.sku}|${point.periodStart}`)?.quantity ?? 0;
      assert.ok(Math.abs(point.quantity - truth) < 6 * point.quantitySigma + 1, `${point.sku} ${point.periodStart}: ${point.quantity} vs ${truth}`);
      if (point.quantityInterval.low <= truth && truth <= point.quantityInterval.high) inside++;
      assert.ok(Math.abs(point.quantityInterval.high - point.quantityInterval.low - 2 * 1.959963984540054 * point.quantitySigma) < 1e-6);
    }
    assert.ok(inside / points.length > 0.8, `coverage ${inside}/${points.length}`);
    assert.throws(() => decodeDemandSeries(sum, plan, 2), /survivor/i);
  });

  it('refuses a plan altered in transit', () => {
    const plan = planDemandSeries({ ...base, maxQuantityPerTransaction: 10, maxRevenueCentsPerTransaction: 1000 });
    assert.throws(() => demandSeriesClippedSum([], { ...plan, skus: ['A', 'B', 'Z'] }), /digest/);
  });
});
