import assert from 'node:assert/strict';
import { consortiumBundles, consortiumSeries, itemsetsToMeasure, stockAlerts, storeForecasts, storePrices, withStoreMeasures } from './insights.util';
import { StockSnapshotValidator } from './stock-snapshot.validator';

const round = { roundId: 'r1', completedAt: '2026-12-02T00:00:00Z' };

describe('consortium bundles', () => {
  const patterns = [
    { items: ['a', 'b'], utilityCents: 900, support: 30 },
    { items: ['a'], utilityCents: 2000, support: 60 },
    { items: ['b'], utilityCents: 1500, support: 90 },
    { items: ['a', 'c'], utilityCents: 1200, support: 25 },
  ];

  it('ranks multi-item itemsets by revenue impact and says what is missing', () => {
    const document = consortiumBundles(patterns, { supportSigma: 2 }, round);
    assert.deepEqual(document.bundles.map((b) => b.items.map((i) => i.sku)), [['a', 'c'], ['a', 'b']]);
    const [ac, ab] = document.bundles;
    assert.equal(ac.confidence, null);
    assert.match(ac.reason!, /\{c\}/);
    assert.equal(ab.confidence, 0.5);
    assert.equal(ab.lift, null);
    assert.match(ab.reason!, /transaction count/);
  });

  it('computes lift with its interval when the transaction count is published', () => {
    const document = consortiumBundles(patterns, { supportSigma: 2, transactions: { value: 1000, sigma: 2 } }, round);
    const ab = document.bundles.find((b) => b.items.length === 2 && b.items[1].sku === 'b')!;
    assert.ok(Math.abs(ab.lift! - (30 * 1000) / (60 * 90)) < 1e-9);
    assert.ok(ab.liftLow95! < ab.lift! && ab.lift! < ab.liftHigh95!);
    assert.equal(ab.liftAboveOne, ab.liftLow95! > 1);
  });

  it("adds the store's exact measure next to each bundle", () => {
    const document = consortiumBundles(patterns, { supportSigma: 2 }, round);
    assert.deepEqual(itemsetsToMeasure([{ items: ['a', 'b'] }]).map((s) => s.join(',')).sort(), ['a', 'a,b', 'b']);
    const measures = new Map([
      ['a\u0000b', { utilityCents: 100, support: 10 }],
      ['a', { utilityCents: 300, support: 20 }],
      ['b', { utilityCents: 200, support: 40 }],
    ]);
    const withStore = withStoreMeasures(document, measures, 200);
    const ab = withStore.bundles.find((b) => b.items.map((i) => i.sku).join() === 'a,b')!;
    assert.deepEqual(ab.store, { utilityCents: 100, support: 0.05, confidence: 0.5, lift: (10 * 200) / (20 * 40) });
    assert.equal(withStore.bundles.find((b) => b.items.map((i) => i.sku).join() === 'a,c')!.store, undefined);
  });
});

describe("a store's own forecasts, prices and alerts", () => {
  // 30 weeks of daily sales of two items; item p's price moves and demand follows with elasticity -2.
  const lines: { sku: string; name?: string; date: string; quantity: number; unitPriceCents: number }[] = [];
  for (let day = 0; day < 210; day++) {
    const date = new Date(Date.UTC(2011, 0, 3 + day)).toISOString();
    const week = Math.floor(day / 7);
    const price = 200 * (1 + 0.15 * Math.sin(week));
    lines.push({ sku: 'p', name: 'Priced', date, quantity: Math.round(40 * (price / 200) ** -2 * (1 + 0.05 * Math.cos(day))), unitPriceCents: Math.round(price) });
    lines.push({ sku: 'q', date, quantity: 5 + (day % 7), unitPriceCents: 100 });
  }

  it('forecasts the top items, weeks from Monday, with a backtest', () => {
    const weekly = storeForecasts(lines, 'week', 10);
    assert.deepEqual(weekly.forecasts.map((f) => f.sku), ['p', 'q']);
    const p = weekly.forecasts[0];
    assert.equal(p.name, 'Priced');
    assert.equal(p.points.length, 12);
    assert.equal(new Date(`${p.points[0].period}T00:00:00Z`).getUTCDay(), 1);
    assert.ok(p.backtest && p.backtest.seasonalNaiveMase > 0);
  });

  it('finds the elasticity and recommends a lower price', () => {
    const prices = storePrices(lines, [{ sku: 'p', name: 'Priced' }, { sku: 'q', name: 'q' }]);
    const p = prices.items[0];
    assert.ok(p.elasticity! < -1.7 && p.elasticity! > -2.3, String(p.elasticity));
    assert.equal(p.recommendation?.action, 'lower');
    assert.equal(prices.items[1].recommendation, null);
    assert.match(prices.items[1].reason, /not enough evidence/);
  });

  it('raises an alert when the stock is below the reorder point', () => {
    const daily = storeForecasts(lines, 'day', 10);
    const alerts = stockAlerts(
      [
        { sku: 'q', stock: 5, leadTimeDays: 7, serviceLevel: 99, countedAt: '2011-08-01T00:00:00Z' },
        { sku: 'p', stock: 100000, leadTimeDays: 7, serviceLevel: 95, countedAt: '2011-08-01T00:00:00Z' },
        { sku: 'unknown', stock: 1, leadTimeDays: 7, serviceLevel: 95, countedAt: '2011-08-01T00:00:00Z' },
      ],
      daily,
    );
    assert.deepEqual(alerts.map((a) => [a.sku, a.belowReorderPoint]), [['q', true], ['p', false]]);
    assert.ok(alerts[0].reorderPoint > 7 * 5 && alerts[0].daysToStockOut! <= 1);
    assert.equal(alerts[1].daysToStockOut, null);
  });
});

describe('consortium series and stock snapshots', () => {
  it('fills the periods a round did not report with 0', () => {
    const series = consortiumSeries([{ sku: 'a', periodStart: '2011-01-03', quantity: 3 }, { sku: 'a', periodStart: '2011-01-17', quantity: 4 }, { sku: 'b', periodStart: '2011-01-10', quantity: -1 }], 'week');
    assert.deepEqual(series.find((s) => s.sku === 'a')!.series.map((p) => p.quantity), [3, 0, 4]);
    assert.deepEqual(series.find((s) => s.sku === 'b')!.series.map((p) => p.quantity), [0, 0, 0]);
  });

  it('validates snapshots against the schema and names the field', () => {
    const validator = new StockSnapshotValidator({ leadTimeDays: 7, serviceLevel: 95 });
    const ok = validator.check(JSON.stringify({ countedAt: '2011-12-09T18:00:00Z', defaultServiceLevel: 99, items: [{ sku: 'a', stock: 3 }, { sku: 'b', stock: 1, leadTimeDays: 2 }] }));
    assert.ok(ok.ok);
    assert.deepEqual(ok.levels.map((l) => [l.sku, l.leadTimeDays, l.serviceLevel]), [['a', 7, 99], ['b', 2, 99]]);
    const bad = (body: unknown) => validator.check(JSON.stringify(body));
    assert.deepEqual(bad({ countedAt: '2011-12-09T18:00:00Z', items: [{ sku: 'a', stock: -1 }] }), { ok: false, field: '/items/0/stock', reason: 'must be >= 0' });
    assert.equal((bad({ items: [{ sku: 'a', stock: 1 }] }) as { field: string }).field, '/countedAt');
    assert.equal((bad({ countedAt: '2011-12-09T18:00:00Z', items: [{ sku: 'a', stock: 1, colour: 'red' }] }) as { field: string }).field, '/items/0/colour');
    assert.equal((bad({ countedAt: '2011-12-09T18:00:00Z', items: [{ sku: 'a', stock: 1 }, { sku: 'a', stock: 2 }] }) as { field: string }).field, '/items/1/sku');
    assert.equal((bad({ countedAt: '2011-12-09T18:00:00Z', items: [{ sku: 'a', stock: 1, serviceLevel: 90 }] }) as { field: string }).field, '/items/0/serviceLevel');
  });
});
