import assert from 'node:assert/strict';
import { estimateElasticity, normalQuantile, recommendPrice, revenueChangePercent, studentTQuantile } from './elasticity';
import { gaussian, seededRandom } from './testing';

function history(elasticity: number, noise: number, n: number, seed: number) {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const price = 2 * Math.exp(0.3 * (random() - 0.5));
    return { price, quantity: 500 * price ** elasticity * Math.exp(noise * gaussian(random)) };
  });
}

describe('elasticity', () => {
  it('has the right quantiles', () => {
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-6);
    assert.ok(Math.abs(studentTQuantile(0.975, 10) - 2.228) < 0.005);
    assert.ok(Math.abs(studentTQuantile(0.975, 30) - 2.042) < 0.002);
  });

  it('recovers a known elasticity and its interval covers it about 95% of the time', () => {
    let covered = 0;
    const runs = 400;
    for (let run = 0; run < runs; run++) {
      const result = estimateElasticity(history(-2.6, 0.2, 30, 100 + run));
      assert.ok(result.ok);
      if (result.estimate.low95 <= -2.6 && -2.6 <= result.estimate.high95) covered++;
    }
    assert.ok(Math.abs(covered / runs - 0.95) < 0.035, `coverage ${covered / runs}`);
  });

  it('recommends lowering an elastic price with the revenue range', () => {
    const result = estimateElasticity(history(-2.6, 0.05, 40, 5));
    assert.ok(result.ok);
    const { recommendation } = recommendPrice(result.estimate);
    assert.ok(recommendation);
    assert.equal(recommendation.action, 'lower');
    assert.ok(recommendation.expectedRevenueChangePercent > 0 && recommendation.low > 0 && recommendation.low <= recommendation.expectedRevenueChangePercent && recommendation.expectedRevenueChangePercent <= recommendation.high);
    assert.ok(Math.abs(revenueChangePercent(-5, -2) - 100 * (0.95 ** -1 - 1)) < 1e-9);
  });

  it('raises an inelastic price only when the evidence is clear', () => {
    assert.equal(recommendPrice({ elasticity: -0.6, low95: -0.8, high95: -0.55 }).recommendation?.action, 'raise');
    assert.match(recommendPrice({ elasticity: -0.3, low95: -0.9, high95: 0.2 }).reason, /not enough evidence.*includes 0/);
    assert.match(recommendPrice({ elasticity: -8, low95: -9, high95: -7 }).reason, /not enough evidence.*plausible/);
    assert.match(recommendPrice({ elasticity: -1.1, low95: -1.6, high95: -0.7 }).reason, /not enough evidence.*unit elasticity/);
  });

  it('refuses a price that never moved', () => {
    const flat = Array.from({ length: 20 }, (_, i) => ({ price: 3, quantity: 10 + i }));
    const result = estimateElasticity(flat);
    assert.equal(result.ok, false);
  });
});
