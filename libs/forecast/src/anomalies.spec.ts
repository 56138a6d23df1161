import assert from 'node:assert/strict';
import { detectAnomalies } from './anomalies';
import { addPeriods } from './periods';
import { gaussian, seededRandom } from './testing';

describe('consortium anomalies', () => {
  it('flags a spike, a dip and a level shift, and nothing else much', () => {
    const random = seededRandom(3);
    const values = Array.from({ length: 120 }, (_, t) => (t < 80 ? 100 : 160) + 4 * gaussian(random));
    values[30] = 220;
    values[50] = 20;
    const series = values.map((quantity, index) => ({ period: addPeriods('2011-01-03', 'week', index), quantity }));
    const anomalies = detectAnomalies(series, 'week');
    const at = (index: number) => anomalies.filter((a) => a.period === series[index].period).map((a) => a.kind);
    assert.ok(at(30).includes('spike'), JSON.stringify(anomalies));
    assert.ok(at(50).includes('dip'), JSON.stringify(anomalies));
    assert.ok(anomalies.some((a) => a.kind === 'level-shift' && Math.abs(series.findIndex((p) => p.period === a.period) - 80) <= 2), JSON.stringify(anomalies));
    assert.ok(anomalies.length <= 8, `${anomalies.length} anomalies`);
  });
});
