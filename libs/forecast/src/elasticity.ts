// Own-price elasticity from a store's history: ordinary least squares of log quantity on
// log price (the constant-elasticity demand model q = a·p^β), with the classical standard
// error of the slope and a Student-t 95 % interval. The recommendation rule is ours: act only
// when the interval excludes 0, the estimate is plausible (own-price elasticities mostly lie
// between about −0.5 and −5; Bijmolt, van Heerde & Pieters 2005, "New empirical
// generalizations on the determinants of price elasticity", average about −2.6) and the
// expected revenue change keeps its sign over the whole interval.

export interface Elasticity {
  elasticity: number;
  stdError: number;
  low95: number;
  high95: number;
  observations: number;
}

export type ElasticityResult = { ok: true; estimate: Elasticity } | { ok: false; reason: string; observations: number };

/** Upper quantile of Student's t (Hill 1970 / Cornish-Fisher expansion around the normal). */
export function studentTQuantile(probability: number, degrees: number): number {
  const z = normalQuantile(probability);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  const v = degrees;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v ** 3);
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Elasticity from (price, quantity) observations, e.g. one per item and week. */
export function estimateElasticity(observations: ReadonlyArray<{ price: number; quantity: number }>): ElasticityResult {
  const usable = observations.filter((o) => o.price > 0 && o.quantity > 0);
  const n = usable.length;
  if (n < 8) return { ok: false, reason: `${n} periods with a sale and a price; at least 8 are needed`, observations: n };
  const x = usable.map((o) => Math.log(o.price));
  const y = usable.map((o) => Math.log(o.quantity));
  const meanX = x.reduce((s, v) => s + v, 0) / n;
  const meanY = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - meanX) ** 2;
    sxy += (x[i] - meanX) * (y[i] - meanY);
  }
  // A price that never moved says nothing about the response to a change.
  if (sxx < 1e-6 * n) return { ok: false, reason: 'the price hardly varied over the history', observations: n };
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - intercept - slope * x[i]) ** 2;
  const stdError = Math.sqrt(rss / (n - 2) / sxx);
  const t = studentTQuantile(0.975, n - 2);
  return { ok: true, estimate: { elasticity: slope, stdError, low95: slope - t * stdError, high95: slope + t * stdError, observations: n } };
}

export interface PriceRecommendation {
  action: 'raise' | 'lower';
  priceChangePercent: number;
  expectedRevenueChangePercent: number;
  low: number;
  high: number;
}

export const PLAUSIBLE_ELASTICITY = { min: -5, max: -0.5 } as const;

/** Revenue change, in percent, of a relative price change under constant elasticity. */
export function revenueChangePercent(priceChangePercent: number, elasticity: number): number {
  return 100 * ((1 + priceChangePercent / 100) ** (1 + elasticity) - 1);
}

export function recommendPrice(estimate: { elasticity: number; low95: number; high95: number }, priceStepPercent = 5): { recommendation: PriceRecommendation | null; reason: string } {
  const { elasticity, low95, high95 } = estimate;
  const format = (v: number) => v.toFixed(2);
  if (!(low95 < 0 && high95 < 0) && !(low95 > 0 && high95 > 0)) return { recommendation: null, reason: `not enough evidence: the 95% interval [${format(low95)}, ${format(high95)}] includes 0` };
  if (elasticity < PLAUSIBLE_ELASTICITY.min || elasticity > PLAUSIBLE_ELASTICITY.max)
    return { recommendation: null, reason: `not enough evidence: an elasticity of ${format(elasticity)} is outside the plausible range ${PLAUSIBLE_ELASTICITY.min}..${PLAUSIBLE_ELASTICITY.max}` };
  // Elastic demand (|β| > 1): a lower price sells enough more to raise revenue; inelastic: the reverse.
  const action = elasticity < -1 ? 'lower' : 'raise';
  const priceChangePercent = action === 'lower' ? -priceStepPercent : priceStepPercent;
  const expected = revenueChangePercent(priceChangePercent, elasticity);
  const atLow = revenueChangePercent(priceChangePercent, low95);
  const atHigh = revenueChangePercent(priceChangePercent, high95);
  const low = Math.min(atLow, atHigh);
  const high = Math.max(atLow, atHigh);
  if (low < 0 && high > 0) return { recommendation: null, reason: `not enough evidence: the interval [${format(low95)}, ${format(high95)}] spans unit elasticity, so a ${Math.abs(priceChangePercent)}% change could raise or lower revenue` };
  return {
    recommendation: { action, priceChangePercent, expectedRevenueChangePercent: expected, low, high },
    reason: `elasticity ${format(elasticity)} [${format(low95)}, ${format(high95)}]: ${action === 'lower' ? 'demand is elastic, a lower price raises revenue' : 'demand is inelastic, a higher price raises revenue'}`,
  };
}
