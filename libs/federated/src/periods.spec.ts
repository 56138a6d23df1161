import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultFromDate, periodStartOf, periodStarts, parseIsoDate } from './periods';

describe('periods', () => {
  it('starts weeks on Monday, months on the 1st, in UTC', () => {
    assert.equal(periodStartOf(new Date('2011-12-04T23:59:00Z'), 'week').toISOString().slice(0, 10), '2011-11-28');
    assert.equal(periodStartOf(new Date('2011-11-28T00:00:00Z'), 'week').toISOString().slice(0, 10), '2011-11-28');
    assert.equal(periodStartOf(new Date('2011-02-28T10:00:00Z'), 'month').toISOString().slice(0, 10), '2011-02-01');
  });
  it('lists every period overlapping the window, matching a day-by-day oracle', () => {
    for (const period of ['day', 'week', 'month'] as const) {
      const oracle = new Set<string>();
      for (let t = parseIsoDate('2010-12-01').getTime(); t <= parseIsoDate('2011-03-09').getTime(); t += 86_400_000) oracle.add(periodStartOf(new Date(t), period).toISOString().slice(0, 10));
      assert.deepEqual(periodStarts('2010-12-01', '2011-03-09', period), [...oracle]);
    }
  });
  it('refuses dates that are not ISO dates, naming the field', () => {
    assert.throws(() => periodStarts('2011-02-30', '2011-03-01', 'day'), /fromDate/);
    assert.throws(() => periodStarts('2011-03-02', '2011-03-01', 'day'), /before/);
  });
  it('defaults to 52 weeks ending with the week of the last day', () => {
    assert.equal(periodStarts(defaultFromDate('2011-12-09', 'week'), '2011-12-09', 'week').length, 52);
    assert.equal(periodStarts(defaultFromDate('2011-12-09', 'month'), '2011-12-09', 'month').length, 12);
  });
});
