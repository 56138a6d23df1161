/**
 * Step 3 of a round on the store's side: measure every candidate on the store's own
 * transactions, bound each transaction's contribution, quantise, add the store's share of the
 * distributed discrete Gaussian (Kairouz, Liu, Steinke, ICML 2021) and encode for secure
 * aggregation (two's complement modulo 2^32). The vector layout and bounds are in plan.ts.
 *
 * Per transaction (never per store: the unit of privacy is one transaction):
 *   utility block  x = (utility of c in t)_c. Scaled to integer units, shrunk so that its L2
 *                  norm is at most utilityBound - √h/2 (h = candidates held), then rounded to
 *                  nearest: rounding moves the vector by at most √h/2, so ‖q‖ <= utilityBound.
 *                  The bound is finally checked exactly on the integers and enforced by
 *                  decrementing the largest entry should floating point ever break it.
 *   support block  supportUnit for each held candidate, or floor(supportUnit·√(supportCount/h))
 *                  when h > supportCount; checked exactly.
 *   subset block   supportUnit for each bundle subset held (plan.subsets), or
 *                  floor(supportUnit·√(subsetSupportCount/h_s)) when h_s > subsetSupportCount; checked exactly.
 *   counts         countUnit, and countUnit again if the utility block was shrunk.
 *   total utility  round(totalUtilityScale · min(s · transaction utility, clip.transactionUtility)),
 *                  s the factor the utility block was shrunk by: the total is measured under the
 *                  same contribution bound as the candidates, so that "fraction of the total"
 *                  compares clipped utilities with a total clipped alike.
 * Rounding to nearest is deterministic, so the noise-free part of a store's vector is a pure
 * function of its data and the plan (what the tests check against a brute-force oracle).
 */
import type { UtilityDatabase } from '@tessera/huim';
import type { RandomSource } from '@tessera/privacy';
import { contributionMatrix } from './contribution-matrix';
import { sampleNoiseShare, toWord } from './noise';
import { checkPlanDigest, type RoundPlan } from './plan';

export interface ClippedSum {
  /** The store's exact integer vector (before noise), in the plan's layout. */
  values: number[];
  transactions: number;
  /** Transactions whose candidate-utility vector was scaled down. */
  clippedTransactions: number;
  /** Transactions holding more than clip.supportCount candidates (their supports were scaled down). */
  supportClippedTransactions: number;
  /** Transactions holding more than subsetSupportCount bundle subsets (their subset supports were scaled down). */
  subsetClippedTransactions: number;
}

export interface EncodedContribution {
  /** Send this to secure aggregation. */
  vector: Uint32Array;
  transactions: number;
  clippedTransactions: number;
  supportClippedTransactions: number;
}

/**
 * The store's clipped, quantised sums WITHOUT noise. Exported for the trusted-curator
 * reference, tests and studies; a store must never send this (use encodeContribution).
 */
export function clippedSum(db: UtilityDatabase, plan: RoundPlan): ClippedSum {
  checkPlanDigest(plan);
  if (db.nTransactions > plan.maxTransactionsPerStore) {
    throw new RangeError(
      `the store has ${db.nTransactions} transactions, more than the round's maxTransactionsPerStore (${plan.maxTransactionsPerStore}); ` +
        'the 32-bit sum could overflow, so the coordinator must plan the round with a larger bound',
    );
  }
  const matrix = contributionMatrix(db, plan.candidates);
  const { layout, quantisation: q, clip } = plan;
  const values = new Float64Array(layout.length);
  const boundSquared = q.utilityBound * q.utilityBound;
  const supportSquaredBound = q.blockSquaredBounds.support;
  let row = new Float64Array(16);
  let clippedTransactions = 0;
  let supportClippedTransactions = 0;
  for (let t = 0; t < matrix.transactions; t++) {
    const start = matrix.rows[t];
    const held = matrix.rows[t + 1] - start;
    let clipped = false;
    let factor = 1;
    if (held > 0) {
      if (row.length < held) row = new Float64Array(held * 2);
      // Utility block.
      let normSquared = 0;
      for (let j = 0; j < held; j++) {
        const y = matrix.utility[start + j] * q.utilityScale;
        row[j] = y;
        normSquared += y * y;
      }
      const norm = Math.sqrt(normSquared);
      const allowed = Math.max(q.utilityBound - Math.sqrt(held) / 2, q.utilityBound / 2);
      factor = norm > allowed ? allowed / norm : 1;
      clipped = factor < 1;
      let squared = 0;
      for (let j = 0; j < held; j++) {
        const v = Math.round(row[j] * factor);
        row[j] = v;
        squared += v * v;
      }
      while (squared > boundSquared) {
        let largest = 0;
        for (let j = 1; j < held; j++) if (row[j] > row[largest]) largest = j;
        squared -= 2 * row[largest] - 1;
        row[largest] -= 1;
      }
      for (let j = 0; j < held; j++) values[layout.utility + matrix.candidate[start + j]] += row[j];
      // Support block.
      let unit = q.supportUnit;
      if (held > clip.supportCount) {
        supportClippedTransactions++;
        unit = Math.floor(q.supportUnit * Math.sqrt(clip.supportCount / held));
        while (unit > 0 && held * unit * unit > supportSquaredBound) unit--;
      }
      if (unit > 0) for (let j = 0; j < held; j++) values[layout.support + matrix.candidate[start + j]] += unit;
    }
    if (clipped) clippedTransactions++;
    values[layout.transactions] += q.countUnit;
    if (clipped) values[layout.clippedTransactions] += q.countUnit;
    const ownUtility = Math.min(matrix.transactionUtility[t] * factor, clip.transactionUtility);
    values[layout.totalUtility] += Math.min(q.totalUtilityBound, Math.round(ownUtility * q.totalUtilityScale));
  }
  const subsetClippedTransactions = addSubsetSupports(db, plan, values);
  return { values: Array.from(values), transactions: matrix.transactions, clippedTransactions, supportClippedTransactions, subsetClippedTransactions };
}

/** The bundle-subset block: 0/1 supports per transaction, bounded like the candidate supports. Returns how many transactions were scaled down. */
function addSubsetSupports(db: UtilityDatabase, plan: RoundPlan, values: Float64Array): number {
  const subsets = plan.subsets ?? [];
  if (subsets.length === 0) return 0;
  const { layout, quantisation: q } = plan;
  const matrix = contributionMatrix(db, subsets);
  const bound = q.blockSquaredBounds.subsetSupport;
  let scaledDown = 0;
  for (let t = 0; t < matrix.transactions; t++) {
    const start = matrix.rows[t];
    const held = matrix.rows[t + 1] - start;
    if (held === 0) continue;
    let unit = q.supportUnit;
    if (held > q.subsetSupportCount) {
      scaledDown++;
      unit = Math.floor(q.supportUnit * Math.sqrt(q.subsetSupportCount / held));
      while (unit > 0 && held * unit * unit > bound) unit--;
    }
    if (unit > 0) for (let j = 0; j < held; j++) values[layout.subsetSupport + matrix.candidate[start + j]] += unit;
  }
  return scaledDown;
}

/**
 * What a store sends to secure aggregation: its clipped sums plus N_Z(0, σ_i²) on every
 * coordinate, modulo 2^32. Noise comes from the CSPRNG; `random` is for tests only (noise from
 * a known seed is known noise and protects nothing).
 */
export function encodeContribution(db: UtilityDatabase, plan: RoundPlan, options: { random?: RandomSource } = {}): EncodedContribution {
  const sum = clippedSum(db, plan);
  const noise = sampleNoiseShare(plan.noise.shareSigma2, plan.layout.length, options.random);
  const vector = new Uint32Array(plan.layout.length);
  for (let i = 0; i < vector.length; i++) vector[i] = toWord(sum.values[i] + noise[i]);
  return { vector, transactions: sum.transactions, clippedTransactions: sum.clippedTransactions, supportClippedTransactions: sum.supportClippedTransactions };
}
