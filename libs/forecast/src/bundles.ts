// Bundle statistics of a published itemset I = X ∪ Y from noisy supports: support,
// confidence of X → Y, lift = supp(I)·N / (supp(X)·supp(Y)), and a 95 % interval for lift
// that adds the known differential-privacy noise to the sampling error.
//
// The interval is a delta-method interval on log lift, as R arules' `confint` for
// interest measures (Hahsler et al., "arules: mining association rules and frequent
// itemsets"), with the multinomial covariance of the 2×2 table:
//   Var_sampling(log L) ≈ 1/s_I − 1/s_X − 1/s_Y + (2L − 1)/N
// and, for counts published with independent Gaussian noise of known standard deviations,
//   Var_noise(log L) ≈ σ_I²/s_I² + σ_X²/s_X² + σ_Y²/s_Y² + σ_N²/N².
// The sampling term targets the population lift; without it (`target: 'sample'`) the
// interval covers the lift the data would have shown without noise.
export interface NoisyCount {
  value: number;
  /** Standard deviation of the noise added to `value` (0 when exact). */
  sigma: number;
}

export interface BundleInput {
  itemset: NoisyCount;
  antecedent: NoisyCount;
  consequent: NoisyCount;
  transactions: NoisyCount;
}

export interface BundleStatistics {
  support: number;
  confidence: number;
  lift: number;
  liftLow95: number;
  liftHigh95: number;
  /** The lower bound of the lift interval is above 1: the items go together more than by chance. */
  liftAboveOne: boolean;
}

export type LiftResult = { ok: true; statistics: BundleStatistics } | { ok: false; reason: string };

const Z95 = 1.959963984540054;

export function bundleStatistics(input: BundleInput, options: { target?: 'population' | 'sample'; z?: number } = {}): LiftResult {
  const { itemset, antecedent, consequent, transactions } = input;
  for (const [name, count] of [['itemset support', itemset], ['antecedent support', antecedent], ['consequent support', consequent], ['transaction count', transactions]] as const) {
    if (!(count.value > 0)) return { ok: false, reason: `the published ${name} is ${count.value}, not positive after noise` };
  }
  const N = transactions.value;
  // Noise can push a subset's support below the itemset's; the bound supp(X) ≥ supp(I) holds in the data.
  const sI = itemset.value;
  const sX = Math.max(antecedent.value, sI);
  const sY = Math.max(consequent.value, sI);
  const lift = (sI * N) / (sX * sY);
  const noiseVariance = (itemset.sigma / sI) ** 2 + (antecedent.sigma / sX) ** 2 + (consequent.sigma / sY) ** 2 + (transactions.sigma / N) ** 2;
  const samplingVariance = options.target === 'sample' ? 0 : Math.max(0, 1 / sI - 1 / sX - 1 / sY + (2 * lift - 1) / N);
  const halfWidth = (options.z ?? Z95) * Math.sqrt(noiseVariance + samplingVariance);
  const liftLow95 = lift * Math.exp(-halfWidth);
  const liftHigh95 = lift * Math.exp(halfWidth);
  return {
    ok: true,
    statistics: { support: Math.min(1, sI / N), confidence: Math.min(1, sI / sX), lift, liftLow95, liftHigh95, liftAboveOne: liftLow95 > 1 },
  };
}

export interface PublishedItemset {
  items: readonly string[];
  support: number;
}

/**
 * The rule X → {y} of a bundle whose supports are all published, choosing the consequent
 * with the highest confidence; null (with the reason) when no split has its subsets published.
 */
export function bundleFromPublished(
  items: readonly string[],
  published: ReadonlyMap<string, number>,
  noise: { supportSigma: number; transactions: number; transactionsSigma: number },
  options: { target?: 'population' | 'sample' } = {},
): { antecedent: string[]; consequent: string[]; result: LiftResult } {
  const key = (set: readonly string[]) => [...set].sort().join('\u0000');
  const itemsetSupport = published.get(key(items));
  let best: { antecedent: string[]; consequent: string[]; result: LiftResult } | null = null;
  const missing: string[] = [];
  for (const consequentItem of items) {
    const antecedent = items.filter((item) => item !== consequentItem);
    const antecedentSupport = published.get(key(antecedent));
    const consequentSupport = published.get(key([consequentItem]));
    if (itemsetSupport === undefined || antecedentSupport === undefined || consequentSupport === undefined) {
      if (antecedentSupport === undefined) missing.push(`{${antecedent.join(', ')}}`);
      if (consequentSupport === undefined) missing.push(`{${consequentItem}}`);
      continue;
    }
    const result = bundleStatistics(
      {
        itemset: { value: itemsetSupport, sigma: noise.supportSigma },
        antecedent: { value: antecedentSupport, sigma: noise.supportSigma },
        consequent: { value: consequentSupport, sigma: noise.supportSigma },
        transactions: { value: noise.transactions, sigma: noise.transactionsSigma },
      },
      options,
    );
    if (!best || (result.ok && (!best.result.ok || result.statistics.confidence > best.result.statistics.confidence))) best = { antecedent, consequent: [consequentItem], result };
  }
  if (best) return best;
  const reason = itemsetSupport === undefined ? 'the itemset support is not published' : `the round did not publish the support of ${[...new Set(missing)].join(' or ')}`;
  return { antecedent: items.slice(0, -1), consequent: items.slice(-1), result: { ok: false, reason } };
}

export function itemsetKey(items: readonly string[]): string {
  return [...items].sort().join('\u0000');
}
