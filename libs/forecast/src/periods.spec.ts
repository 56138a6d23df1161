import assert from 'node:assert/strict';
import { addPeriods, lastCompletePeriodEnd, periodStart, toPeriodSeries } from './periods';

describe('periods', () => {
  it('starts weeks on Monday and months on the first', () => {
    assert.equal(periodStart('2011-12-04', 'week'), '2011-11-28'); // a Sunday
    assert.equal(periodStart('2011-12-05', 'week'), '2011-12-05'); // a Monday
    assert.equal(periodStart('2011-12-09T12:50:00Z', 'month'), '2011-12-01');
    assert.equal(addPeriods('2011-01-01', 'month', 13), '2012-02-01');
    assert.equal(addPeriods('2011-12-26', 'week', 1), '2012-01-02');
  });

  it('fills periods without sales with 0', () => {
    const series = toPeriodSeries(
      [
        { date: '2011-01-03', quantity: 2 },
        { date: '2011-01-05', quantity: 3 },
        { date: '2011-01-20', quantity: 4 },
      ],
      'week',
      { until: '2011-01-31' },
    );
    assert.deepEqual(series, [
      { period: '2011-01-03', quantity: 5 },
      { period: '2011-01-10', quantity: 0 },
      { period: '2011-01-17', quantity: 4 },
      { period: '2011-01-24', quantity: 0 },
      { period: '2011-01-31', quantity: 0 },
    ]);
  });

  it('cuts a partial last period', () => {
    assert.equal(lastCompletePeriodEnd('2011-12-09', 'week'), '2011-12-04');
    assert.equal(lastCompletePeriodEnd('2011-12-11', 'week'), '2011-12-11');
    assert.equal(lastCompletePeriodEnd('2011-12-09', 'month'), '2011-11-30');
    assert.equal(lastCompletePeriodEnd('2011-12-09', 'day'), '2011-12-09');
  });
});
