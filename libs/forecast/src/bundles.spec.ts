import assert from 'node:assert/strict';
import { bundleFromPublished, bundleStatistics, itemsetKey } from './bundles';
import { gaussian, seededRandom } from './testing';

// A population of transactions with P(X)=px, P(Y)=py, P(X∩Y)=pxy; each simulation draws N
// transactions, counts them exactly, adds Gaussian noise of known sigma to every count (as
// a round publishes them) and checks how often the interval covers the target lift.
function simulate(options: { n: number; px: number; py: number; pxy: number; sigma: number; runs: number; target: 'population' | 'sample'; withNoise?: boolean; seed: number }): number {
  const random = seededRandom(options.seed);
  const { n, px, py, pxy, sigma } = options;
  const populationLift = pxy / (px * py);
  const cells = [pxy, px - pxy, py - pxy];
  let covered = 0;
  for (let run = 0; run < options.runs; run++) {
    let both = 0;
    let onlyX = 0;
    let onlyY = 0;
    for (let t = 0; t < n; t++) {
      const u = random();
      if (u < cells[0]) both++;
      else if (u < cells[0] + cells[1]) onlyX++;
      else if (u < cells[0] + cells[1] + cells[2]) onlyY++;
    }
    const sX = both + onlyX;
    const sY = both + onlyY;
    const sampleLift = (both * n) / (sX * sY);
    const noise = () => sigma * gaussian(random);
    const noiseSigma = options.withNoise === false ? 0 : sigma;
    const result = bundleStatistics(
      {
        itemset: { value: both + noise(), sigma: noiseSigma },
        antecedent: { value: sX + noise(), sigma: noiseSigma },
        consequent: { value: sY + noise(), sigma: noiseSigma },
        transactions: { value: n + noise(), sigma: noiseSigma },
      },
      { target: options.target },
    );
    assert.ok(result.ok);
    const truth = options.target === 'population' ? populationLift : sampleLift;
    if (result.statistics.liftLow95 <= truth && truth <= result.statistics.liftHigh95) covered++;
  }
  return covered / options.runs;
}

describe('bundle lift interval', () => {
  it('computes support, confidence and lift', () => {
    const result = bundleStatistics({ itemset: { value: 20, sigma: 0 }, antecedent: { value: 40, sigma: 0 }, consequent: { value: 50, sigma: 0 }, transactions: { value: 1000, sigma: 0 } });
    assert.ok(result.ok);
    assert.equal(result.statistics.support, 0.02);
    assert.equal(result.statistics.confidence, 0.5);
    assert.equal(result.statistics.lift, 10);
    assert.equal(result.statistics.liftAboveOne, true);
  });

  it('covers the non-private lift at 95% when the noise is included (simulation)', () => {
    const coverage = simulate({ n: 5000, px: 0.06, py: 0.05, pxy: 0.02, sigma: 15, runs: 1500, target: 'sample', seed: 1 });
    assert.ok(Math.abs(coverage - 0.95) < 0.025, `coverage ${coverage}`);
  });

  it('covers the population lift at 95% with sampling and noise (simulation)', () => {
    const coverage = simulate({ n: 5000, px: 0.06, py: 0.05, pxy: 0.02, sigma: 15, runs: 1500, target: 'population', seed: 2 });
    assert.ok(Math.abs(coverage - 0.95) < 0.025, `coverage ${coverage}`);
  });

  it('under-covers badly when the DP noise is ignored', () => {
    const coverage = simulate({ n: 5000, px: 0.06, py: 0.05, pxy: 0.02, sigma: 15, runs: 800, target: 'population', withNoise: false, seed: 3 });
    assert.ok(coverage < 0.85, `coverage ${coverage}`);
  });

  it('finds lift only where the subsets are published and says why otherwise', () => {
    const published = new Map([
      [itemsetKey(['a', 'b']), 30],
      [itemsetKey(['a']), 60],
      [itemsetKey(['b']), 90],
      [itemsetKey(['a', 'c']), 25],
    ]);
    const noise = { supportSigma: 2, transactions: 1000, transactionsSigma: 2 };
    const ab = bundleFromPublished(['a', 'b'], published, noise);
    assert.ok(ab.result.ok);
    assert.ok(Math.abs(ab.result.statistics.lift - (30 * 1000) / (60 * 90)) < 1e-9);
    assert.deepEqual(ab.antecedent, ['a']); // confidence 0.5 (a→b) beats 0.33 (b→a)
    const ac = bundleFromPublished(['a', 'c'], published, noise);
    assert.equal(ac.result.ok, false);
    assert.match(!ac.result.ok ? ac.result.reason : '', /\{c\}/);
  });

  it('refuses counts that noise pushed to zero or below', () => {
    const result = bundleStatistics({ itemset: { value: -3, sigma: 5 }, antecedent: { value: 40, sigma: 5 }, consequent: { value: 50, sigma: 5 }, transactions: { value: 1000, sigma: 5 } });
    assert.equal(result.ok, false);
  });
});
