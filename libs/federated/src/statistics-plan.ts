/**
 * The machinery shared by the statistics round kinds (demand-series, price-response): a
 * vector of blocks, each bounded per transaction in L2 and quantised to integers, one
 * distributed discrete Gaussian σ on every coordinate, a 32-bit overflow check and a digest.
 * It is the itemset round's measurement (plan.ts, encode.ts) with other blocks:
 *
 * Contribution bounding (P. Kairouz, Z. Liu, T. Steinke, "The Distributed Discrete Gaussian
 * Mechanism for Federated Learning with Secure Aggregation", ICML 2021, Section 4: clip,
 * scale, round, bound the rounded vector's norm): block b of a transaction's vector, in the
 * store's units, is clipped to L2 norm clip_b, scaled by bound_b / clip_b, shrunk by √h/2
 * (h entries) so that rounding to nearest cannot push it past bound_b, rounded, and checked
 * exactly on the integers. The L2 sensitivity of the sum (add or remove one transaction) is
 * then √(Σ_b bound_b²) exactly; bound_b = ⌊S·√share_b⌋ splits it between blocks.
 *
 * Fixed-point scale S: as large as possible (up to 2^20) such that participants ×
 * maxTransactionsPerStore × (largest bound) plus a noise tail bound (failure 2^-64) stays
 * below 2^31, so the mod-2^32 sum decodes to the true signed sum.
 */
import { createHash } from 'node:crypto';
import { epsilonToRho, zcdpToEpsilon } from '@tessera/privacy';
import { calibrateNoiseShare, fromWord, sampleNoiseShare, toWord } from './noise';
import { noiseTailBound, sqrtUp } from './plan';
import { checkSurvivors } from './survivors';
import type { RandomSource } from '@tessera/privacy';

export interface BlockSpec {
  name: string;
  /** Entries of the block in the vector. */
  length: number;
  /** L2 bound of one transaction's entries of this block, in the store's units. */
  clip: number;
  /** Fraction of the squared sensitivity (hence of ρ) given to this block. */
  share: number;
}

export interface PlannedBlock extends BlockSpec {
  offset: number;
  /** Integer L2 bound of the block. */
  bound: number;
  /** Integer units per store unit (bound / clip). */
  scale: number;
}

export interface StatisticsPlanCore {
  roundId: string;
  participants: number;
  minSurvivors: number;
  maxTransactionsPerStore: number;
  blocks: PlannedBlock[];
  length: number;
  l2Sensitivity: number;
  noise: { shareSigma: number; shareSigma2: string };
  overflow: { maxAbsSignal: number; noiseTailBound: number; limit: number };
  privacy: { rho: number; calibrationRho: 0; roundRho: number; epsilon: number; delta: number; unit: 'transaction' };
}

export interface StatisticsPlanInput {
  roundId?: string;
  epsilon: number;
  delta: number;
  participants: number;
  /** Fewest survivors the round accepts; noise shares are calibrated for it. */
  minSurvivors: number;
  maxTransactionsPerStore?: number;
  blocks: BlockSpec[];
}

const INT32_LIMIT = 2147483647;
const MAX_SCALE = 2 ** 20;
export const DEFAULT_MAX_STATISTICS_TRANSACTIONS = 100_000;

function fail(reason: string): never {
  throw new RangeError(`statistics plan: ${reason}`);
}

/** Blocks, scales and noise of a statistics round: all public, fixed before any store measures. */
export function planStatistics(input: StatisticsPlanInput): StatisticsPlanCore {
  const { participants, minSurvivors, epsilon, delta } = input;
  const maxTransactionsPerStore = input.maxTransactionsPerStore ?? DEFAULT_MAX_STATISTICS_TRANSACTIONS;
  if (!Number.isSafeInteger(participants) || participants < 1) fail(`participants must be a positive integer, got ${participants}`);
  if (!Number.isSafeInteger(minSurvivors) || minSurvivors < 1 || minSurvivors > participants) fail(`minSurvivors must be an integer in [1, participants], got ${minSurvivors}`);
  if (!(epsilon > 0) || !(delta > 0 && delta < 1)) fail('epsilon must be positive and delta in (0, 1)');
  const shareSum = input.blocks.reduce((s, b) => s + b.share, 0);
  if (Math.abs(shareSum - 1) > 1e-9) fail(`block shares must add up to 1, got ${shareSum}`);
  for (const b of input.blocks) if (!(b.clip > 0) || !Number.isFinite(b.clip) || !(b.share > 0) || !Number.isSafeInteger(b.length) || b.length < 1) fail(`block ${b.name} needs a positive clip, share and length`);
  const length = input.blocks.reduce((s, b) => s + b.length, 0);
  const rho = epsilonToRho(epsilon, delta);
  let scale = MAX_SCALE;
  for (let attempt = 0; attempt < 64; attempt++) {
    let offset = 0;
    const blocks = input.blocks.map((b) => {
      const bound = Math.floor(scale * Math.sqrt(b.share));
      const planned = { ...b, offset, bound, scale: bound / b.clip };
      offset += b.length;
      return planned;
    });
    const squared = blocks.reduce((s, b) => s + b.bound * b.bound, 0);
    const l2Sensitivity = sqrtUp(squared);
    const share = calibrateNoiseShare({ rho, l2Sensitivity, dimension: length, minSurvivors, participants, delta });
    const maxAbsSignal = participants * maxTransactionsPerStore * Math.max(...blocks.map((b) => b.bound));
    const tail = noiseTailBound(share.shareSigma, participants, length);
    if (maxAbsSignal + tail <= INT32_LIMIT) {
      if (blocks.some((b) => b.bound < 16)) fail(`${participants} stores × ${maxTransactionsPerStore} transactions leave too little 32-bit headroom; lower maxTransactionsPerStore`);
      return {
        roundId: input.roundId ?? '',
        participants,
        minSurvivors,
        maxTransactionsPerStore,
        blocks,
        length,
        l2Sensitivity,
        noise: { shareSigma: share.shareSigma, shareSigma2: share.shareSigma2 },
        overflow: { maxAbsSignal, noiseTailBound: tail, limit: INT32_LIMIT },
        privacy: { rho: share.guarantee.rho, calibrationRho: 0, roundRho: share.guarantee.rho, epsilon: zcdpToEpsilon(share.guarantee.rho, delta), delta, unit: 'transaction' },
      };
    }
    scale = Math.floor((scale * INT32_LIMIT * 0.999) / (maxAbsSignal + tail));
  }
  fail('could not find a fixed-point scale that avoids overflow');
}

/** SHA-256 of a plan's JSON without its digest. */
export function statisticsDigest(plan: object): string {
  const { digest: _ignored, ...rest } = plan as { digest?: string };
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

export function withDigest<T extends object>(plan: T): T & { digest: string } {
  return { ...plan, digest: statisticsDigest(plan) };
}

export function checkStatisticsDigest(plan: { digest: string; kind: string }): void {
  if (statisticsDigest(plan) !== plan.digest) throw new RangeError(`${plan.kind}: digest mismatch; the plan was modified or corrupted in transit`);
}

/**
 * Adds one transaction's entries of a block (indices within the block, values in store
 * units) to the integer sum, clipped to the block's bound. Returns the clip factor (1 when
 * the transaction was within the bound). `scales` (integer units per store unit, one per
 * entry) replaces the block's uniform scale: a weighted L2 bound, Σ (entry_j / clip_j)² ≤ 1
 * with scale_j = bound / clip_j, so each coordinate has its own clip and the integer vector
 * still never exceeds the block's bound.
 */
export function addBoundedEntries(sum: Float64Array, block: PlannedBlock, indices: readonly number[], entries: readonly number[], scales?: readonly number[]): number {
  const h = indices.length;
  if (h === 0) return 1;
  let normSquared = 0;
  const scaled = new Array<number>(h);
  for (let j = 0; j < h; j++) {
    scaled[j] = entries[j] * (scales ? scales[j] : block.scale);
    normSquared += scaled[j] * scaled[j];
  }
  const norm = Math.sqrt(normSquared);
  const allowed = Math.max(block.bound - Math.sqrt(h) / 2, block.bound / 2);
  const factor = norm > allowed ? allowed / norm : 1;
  let squared = 0;
  for (let j = 0; j < h; j++) {
    scaled[j] = Math.round(scaled[j] * factor);
    squared += scaled[j] * scaled[j];
  }
  const boundSquared = block.bound * block.bound;
  while (squared > boundSquared) {
    let largest = 0;
    for (let j = 1; j < h; j++) if (Math.abs(scaled[j]) > Math.abs(scaled[largest])) largest = j;
    const sign = Math.sign(scaled[largest]);
    squared -= 2 * Math.abs(scaled[largest]) - 1;
    scaled[largest] -= sign;
  }
  for (let j = 0; j < h; j++) sum[block.offset + indices[j]] += scaled[j];
  return factor;
}

/** A store's vector plus its noise share, mod 2^32 (CSPRNG unless a test injects `random`). */
export function encodeWithNoise(values: ArrayLike<number>, plan: Pick<StatisticsPlanCore, 'noise' | 'length'>, random?: RandomSource): Uint32Array {
  if (values.length !== plan.length) throw new RangeError(`the vector has ${values.length} entries, the plan ${plan.length}`);
  const noise = sampleNoiseShare(plan.noise.shareSigma2, plan.length, random);
  const vector = new Uint32Array(plan.length);
  for (let i = 0; i < vector.length; i++) vector[i] = toWord(values[i] + noise[i]);
  return vector;
}

/** The signed sums of a statistics aggregate and the noise σ of each coordinate, in integer units. */
export function decodeStatisticsSum(sum: Uint32Array, plan: StatisticsPlanCore, survivors: number): { signed: number[]; sigma: number } {
  checkSurvivors(survivors, plan.minSurvivors, plan.participants);
  if (!(sum instanceof Uint32Array) || sum.length !== plan.length) throw new RangeError(`the aggregate must be a Uint32Array of length ${plan.length}, got ${sum?.length}`);
  return { signed: Array.from(sum, fromWord), sigma: Math.sqrt(survivors) * plan.noise.shareSigma };
}

export const Z95 = 1.959963984540054;
