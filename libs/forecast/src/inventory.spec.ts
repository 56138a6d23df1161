import assert from 'node:assert/strict';
import { daysToStockOut, reorderAdvice, SERVICE_LEVEL_Z } from './inventory';

const Z95 = 1.959963984540054;
const daily = { period: 'day' as const, points: Array.from({ length: 30 }, () => ({ quantity: 10, lower95: 10 - Z95 * 3, upper95: 10 + Z95 * 3 })) };

describe('reorder point', () => {
  it('is lead-time demand plus z·σ·√L', () => {
    const advice = reorderAdvice(daily, 100, 4, 97.5);
    assert.ok(Math.abs(advice.expectedLeadTimeDemand - 40) < 1e-9);
    assert.ok(Math.abs(advice.reorderPoint - (40 + 1.96 * 3 * 2)) < 1e-9);
    assert.equal(advice.belowReorderPoint, false);
    assert.equal(reorderAdvice(daily, 50, 4, 99).belowReorderPoint, true);
    assert.deepEqual(SERVICE_LEVEL_Z, { 95: 1.645, 97.5: 1.96, 99: 2.326 });
  });

  it('converts weekly forecasts to days', () => {
    const weekly = { period: 'week' as const, points: [{ quantity: 70, lower95: 70 - Z95 * 7, upper95: 70 + Z95 * 7 }, { quantity: 140, lower95: 100, upper95: 180 }] };
    const advice = reorderAdvice(weekly, 1000, 14, 95);
    assert.ok(Math.abs(advice.expectedLeadTimeDemand - 210) < 1e-9);
    assert.ok(Math.abs(advice.safetyStock - 1.645 * 7 * Math.SQRT2) < 1e-9);
    assert.equal(daysToStockOut(weekly, 105), 7 + 35 / 20);
  });

  it('counts days to stock-out within the horizon', () => {
    assert.equal(daysToStockOut(daily, 25), 2.5);
    assert.equal(daysToStockOut(daily, 0), 0);
    assert.equal(daysToStockOut(daily, 10_000), null);
  });
});
