/**
 * Parameter analysis for the SecAgg+ graph (Bell et al., CCS 2020, §3–4), made concrete for the
 * randomly relabelled Harary graph of graph.ts: because the relabelling is a uniform permutation,
 * the k neighbours of a fixed client are a uniform k-subset of the other n − 1 clients, so the
 * number of corrupted / surviving neighbours is hypergeometric. A union bound over the n clients
 * gives upper bounds on:
 *
 *  - privacyFailure: some honest client has ≥ t corrupted committee members (those, colluding
 *    with the server, hold t shares of both b_u and s_u^SK and can unmask u);
 *  - correctnessFailure: some surviving client has < t surviving committee members (the server
 *    cannot recover its self mask, or a dropped client's mask key, and the round aborts).
 *
 * (Bell et al. additionally require the subgraph of honest survivors to stay connected so the
 * server learns nothing beyond the total; H(n, k) is k-vertex-connected, which guarantees this
 * deterministically when fewer than k clients are corrupted or dropped, and with high
 * probability for random removals at the fractions considered here.)
 */

export interface GraphRiskInput {
  n: number;
  /** Graph degree (neighbours per client). */
  k: number;
  /** Shamir threshold over the committee of size k + 1. */
  t: number;
  /** Fraction of clients controlled by the adversary (colluding with the server). */
  corruptFraction: number;
  /** Fraction of clients that drop out before unmasking. */
  dropoutFraction: number;
}

export interface GraphRisk {
  /** log2 of the union-bound probability that some client can be unmasked by corrupted parties. */
  log2PrivacyFailure: number;
  /** log2 of the union-bound probability that the round aborts because a committee lost ≥ k + 2 − t members. */
  log2CorrectnessFailure: number;
}

function logFactorials(n: number): Float64Array {
  const lf = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) lf[i] = lf[i - 1] + Math.log(i);
  return lf;
}

/** log P[X = x] for X ~ Hypergeometric(population N, successes K, draws d). */
function logHyper(lf: Float64Array, N: number, K: number, d: number, x: number): number {
  if (x < 0 || x > K || x > d || d - x > N - K) return -Infinity;
  const lc = (a: number, b: number): number => lf[a] - lf[b] - lf[a - b];
  return lc(K, x) + lc(N - K, d - x) - lc(N, d);
}

function log2SumExp(logs: number[]): number {
  const m = Math.max(...logs);
  if (m === -Infinity) return -Infinity;
  return (m + Math.log(logs.reduce((s, l) => s + Math.exp(l - m), 0))) / Math.LN2;
}

export function graphRisk({ n, k, t, corruptFraction, dropoutFraction }: GraphRiskInput): GraphRisk {
  const lf = logFactorials(n);
  const N = n - 1;
  const corrupt = Math.floor(corruptFraction * n);
  const alive = n - Math.ceil(dropoutFraction * n);
  // Privacy: honest u, X = #corrupt neighbours among k drawn from N with `corrupt` successes; fail iff X ≥ t.
  const priv: number[] = [];
  for (let x = t; x <= k; x++) priv.push(logHyper(lf, N, corrupt, k, x));
  // Correctness: surviving u, Y = #surviving neighbours (alive − 1 successes); fail iff Y + 1 < t.
  const corr: number[] = [];
  for (let y = 0; y < t - 1; y++) corr.push(logHyper(lf, N, alive - 1, k, y));
  const union = Math.log2(n);
  return {
    log2PrivacyFailure: Math.min(0, log2SumExp(priv) + union),
    log2CorrectnessFailure: Math.min(0, log2SumExp(corr) + union),
  };
}

/**
 * Picks the SecAgg+ threshold t ∈ [2, k + 1] that maximises min(−log2 privacy failure,
 * −log2 correctness failure) for the given corruption and dropout fractions (ties: larger t).
 */
export function suggestGraphThreshold(n: number, k: number, dropoutFraction: number, corruptFraction = 0.1): { t: number; risk: GraphRisk } {
  let best: { t: number; risk: GraphRisk; score: number } | undefined;
  const cap = (x: number): number => (x === -Infinity ? 1e9 : -x);
  for (let t = 2; t <= k + 1; t++) {
    const risk = graphRisk({ n, k, t, corruptFraction, dropoutFraction });
    const score = Math.min(cap(risk.log2PrivacyFailure), cap(risk.log2CorrectnessFailure));
    if (!best || score >= best.score) best = { t, risk, score };
  }
  return { t: best!.t, risk: best!.risk };
}
