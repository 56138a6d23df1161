import assert from 'node:assert/strict';
import { forecastSeries, rollingOrigins, smapeTerm } from './forecast';
import { seasonalNaive } from './models';
import { addPeriods, type SeriesPoint } from './periods';
import { gaussian, seededRandom } from './testing';

function series(values: number[], start = '2010-01-04', period: 'day' | 'week' = 'week'): SeriesPoint[] {
  return values.map((quantity, index) => ({ period: addPeriods(start, period, index), quantity }));
}

describe('seasonal naive', () => {
  it('repeats the last cycle and widens its intervals each cycle', () => {
    const forecast = seasonalNaive([1, 2, 3, 2, 3, 4, 3, 4, 5], 6, 3);
    assert.deepEqual(forecast.point, [3, 4, 5, 3, 4, 5]);
    const width = (h: number) => forecast.upper95[h] - forecast.lower95[h];
    assert.ok(Math.abs(width(3) / width(0) - Math.SQRT2) < 1e-9);
    assert.ok(forecast.lower80[0] > forecast.lower95[0] && forecast.upper80[0] < forecast.upper95[0]);
  });
});

describe('forecastSeries', () => {
  it('beats seasonal naive on a smooth noisy level and reports its backtest', () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 60 }, () => Math.max(0, Math.round(100 + 15 * gaussian(random))));
    const result = forecastSeries(series(values), { period: 'week', horizon: 8 });
    assert.equal(result.fellBack, false);
    assert.notEqual(result.model, 'seasonal-naive');
    assert.ok(result.backtest && result.backtest.mase < result.backtest.seasonalNaiveMase);
    assert.equal(result.points.length, 8);
    assert.equal(result.points[0].period, addPeriods('2010-01-04', 'week', 60));
    for (const point of result.points) {
      assert.ok(point.lower95 <= point.lower80 && point.lower80 <= point.quantity && point.quantity <= point.upper80 && point.upper80 <= point.upper95);
      assert.ok(point.quantity > 70 && point.quantity < 130, `point ${point.quantity}`);
    }
  });

  it('uses the weekly season of a daily series through MSTL', () => {
    const random = seededRandom(11);
    const pattern = [10, 12, 11, 13, 30, 45, 5];
    const values = Array.from({ length: 120 }, (_, t) => pattern[t % 7] + gaussian(random));
    const result = forecastSeries(series(values, '2011-01-03', 'day'), { period: 'day', horizon: 7 });
    assert.equal(result.baselineSeason, 7);
    assert.ok(result.backtest);
    // Either MSTL or seasonal naive captures the weekday pattern; the forecast must follow it.
    const friday = result.points.find((p) => new Date(`${p.period}T00:00:00Z`).getUTCDay() === 6)!;
    const sunday = result.points.find((p) => new Date(`${p.period}T00:00:00Z`).getUTCDay() === 0)!;
    assert.ok(friday.quantity > 35 && sunday.quantity < 12, `${friday.quantity} ${sunday.quantity}`);
  });

  it('falls back to seasonal naive and says why when nothing beats it', () => {
    // A perfect repeating cycle: seasonal naive has zero error, nothing can beat it.
    const pattern = [10, 12, 11, 13, 30, 45, 5];
    const values = Array.from({ length: 70 }, (_, t) => pattern[t % 7]);
    const result = forecastSeries(series(values, '2011-01-03', 'day'), { period: 'day', horizon: 7, models: ['auto-ets'] });
    assert.equal(result.model, 'seasonal-naive');
    assert.equal(result.fellBack, true);
    assert.match(result.reason ?? '', /did not beat seasonal naive/);
    assert.equal(result.backtest!.mase, result.backtest!.seasonalNaiveMase);
    assert.deepEqual(result.points.map((p) => p.quantity), pattern);
  });

  it('says when a series is too short to backtest', () => {
    const result = forecastSeries(series([1, 2, 3]), { period: 'week', horizon: 4 });
    assert.equal(result.fellBack, true);
    assert.equal(result.backtest, null);
    assert.match(result.reason ?? '', /too short/);
  });

  it('computes sMAPE terms and rolling origins', () => {
    assert.equal(smapeTerm(0, 0), 0);
    assert.equal(smapeTerm(10, 0), 200);
    assert.equal(smapeTerm(10, 10), 0);
    assert.deepEqual(rollingOrigins(53, 8, 4), [33, 37, 41, 45]);
  });
});
