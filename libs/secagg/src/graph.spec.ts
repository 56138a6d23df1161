import assert from 'node:assert/strict';
import { Topology, seededPermutation } from './graph';
import { graphRisk, suggestGraphThreshold } from './risk';
import { SecAggError } from './errors';

describe('SecAgg+ Harary graph', () => {
  for (const [n, k] of [
    [10, 4],
    [31, 6],
    [100, 20],
    [30, 9],
    [12, 11],
  ] as const) {
    it(`H(${n}, ${k}) is ${Math.min(k, n - 1)}-regular and symmetric`, () => {
      const g = Topology.harary(n, k, Buffer.from('0123456789abcdef'));
      for (let i = 0; i < n; i++) {
        const c = g.committee(i);
        assert.equal(c.length, Math.min(k, n - 1) + 1);
        assert.ok(c.includes(i));
        for (const j of c) if (j !== i) assert.ok(g.isNeighbour(j, i) && g.isNeighbour(i, j));
        let deg = 0;
        for (let j = 0; j < n; j++) if (g.isNeighbour(i, j)) deg++;
        assert.equal(deg, Math.min(k, n - 1));
      }
    });
  }

  it('the graph is a deterministic function of the public seed', () => {
    const a = Topology.harary(50, 8, Buffer.alloc(16, 1));
    const b = Topology.harary(50, 8, Buffer.alloc(16, 1));
    const c = Topology.harary(50, 8, Buffer.alloc(16, 2));
    assert.deepEqual(a.committee(7), b.committee(7));
    assert.notDeepEqual([0, 1, 2, 3].map((i) => a.committee(i)), [0, 1, 2, 3].map((i) => c.committee(i)));
  });

  it('seeded permutations are uniform (all 24 permutations of 4 items, χ² test)', () => {
    const counts = new Map<string, number>();
    const N = 24000;
    for (let s = 0; s < N; s++) {
      const key = seededPermutation(4, Buffer.from(`seed-${s}-padding-padding`)).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 24);
    const e = N / 24;
    const chi2 = [...counts.values()].reduce((s, c) => s + (c - e) ** 2 / e, 0);
    assert.ok(chi2 < 60, `χ² = ${chi2}`); // df = 23, p ≈ 1e-4 at 52
  });

  it('odd degree with an odd number of clients is rejected', () => {
    assert.throws(() => Topology.harary(11, 3, Buffer.alloc(16)), (e: unknown) => e instanceof SecAggError && e.code === 'INVALID_CONFIG');
  });
});

describe('SecAgg+ parameter risk', () => {
  it('is monotone in the threshold and the degree', () => {
    const base = { n: 1000, k: 60, t: 25, corruptFraction: 0.1, dropoutFraction: 0.2 };
    const r = graphRisk(base);
    assert.ok(graphRisk({ ...base, t: 30 }).log2PrivacyFailure < r.log2PrivacyFailure);
    assert.ok(graphRisk({ ...base, t: 30 }).log2CorrectnessFailure > r.log2CorrectnessFailure);
    assert.ok(graphRisk({ ...base, k: 120, t: 50 }).log2PrivacyFailure < r.log2PrivacyFailure);
  });
  it('no corruption in reach ⇒ zero privacy risk; no dropouts ⇒ zero correctness risk', () => {
    assert.equal(graphRisk({ n: 100, k: 20, t: 11, corruptFraction: 0.1, dropoutFraction: 0 }).log2PrivacyFailure, -Infinity);
    assert.equal(graphRisk({ n: 100, k: 20, t: 11, corruptFraction: 0.1, dropoutFraction: 0 }).log2CorrectnessFailure, -Infinity);
  });
  it('matches a hand-computed hypergeometric tail', () => {
    // n = 5, k = 2, t = 2, 1 corrupt: P[both neighbours corrupt] = 0 (only one corrupt) → −∞.
    assert.equal(graphRisk({ n: 5, k: 2, t: 2, corruptFraction: 0.2, dropoutFraction: 0 }).log2PrivacyFailure, -Infinity);
    // n = 5, k = 2, t = 3 (needs both neighbours alive), 1 dropped: P[a given neighbour set contains it] = 1 − C(3,2)/C(4,2) = 1/2; ×5 → capped at 1.
    assert.equal(graphRisk({ n: 5, k: 2, t: 3, corruptFraction: 0, dropoutFraction: 0.2 }).log2CorrectnessFailure, 0);
  });
  it('suggests a threshold balancing both risks', () => {
    const { t, risk } = suggestGraphThreshold(500, 100, 0.3);
    assert.ok(t > 20 && t < 60, `t = ${t}`);
    assert.ok(risk.log2PrivacyFailure < -40 && risk.log2CorrectnessFailure < -40);
  });
});
