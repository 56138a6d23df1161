/**
 * Contribution bounding: per-record L2 clipping and fixed-point quantization to integers,
 * so that the sum over records has a known, declared L2 (and L1) sensitivity.
 *
 * Follows the encoding of Kairouz, Liu and Steinke, "The Distributed Discrete Gaussian
 * Mechanism for Federated Learning with Secure Aggregation" (ICML 2021, arXiv:2102.06387),
 * Section 4: clip the real vector x to L2 norm c, scale by the fixed-point factor γ⁻¹
 * (here `scale`), round to integers, and bound the norm of the rounded vector. Implemented:
 *   - 'nearest' (deterministic) rounding: each coordinate moves by <= 1/2, so
 *       ‖round(x)‖₂ <= c·scale + √d/2;
 *   - 'stochastic' (unbiased randomized) rounding: ⌊y⌋ + Bernoulli(y - ⌊y⌋), each coordinate
 *     moves by < 1, so ‖·‖₂ < c·scale + √d; the Bernoulli is exact (the fractional part is
 *     an exact dyadic rational);
 *   - conditional rounding (KLS21's "conditional randomized rounding"): with a caller-chosen
 *     tighter `l2Bound`, stochastic rounding is repeated until the rounded vector satisfies it.
 * In every mode the declared bound is finally ENFORCED on the integer output with exact
 * integer arithmetic (Σ v_i² <= l2SquaredBound); in the rare case rounding still violates it,
 * the vector is shrunk and rounded to nearest until it complies, so the declared sensitivity
 * is a hard guarantee, not a high-probability one.
 *
 * Declared sensitivities (add/remove one record; double them for replace-one):
 *   L2: √l2SquaredBound;  L1: min(√(d·l2SquaredBound), l2SquaredBound) (integer vectors).
 */
import { sampleBernoulli } from './samplers';
import { RandomSource, resolveRandomSource } from './random';
import { compare, fromNumber, mul } from './rational';
import { nextUp } from './float';

export type Rounding = 'stochastic' | 'nearest';

export interface QuantizationParams {
  /** Clip each record's real vector to this L2 norm (c > 0). */
  l2Clip: number;
  /** Fixed-point factor: integers = round(clipped · scale). E.g. 2^10 for ~3 decimal digits. */
  scale: number;
  /** Vector dimension d. */
  dimension: number;
  /** 'stochastic' (default: unbiased) or 'nearest' (deterministic). */
  rounding?: Rounding;
  /**
   * Optional tighter declared bound on ‖integer vector‖₂ (conditional rounding, KLS21).
   * Must be >= l2Clip·scale. Default: l2Clip·scale + √d/2 (nearest) or + √d (stochastic).
   */
  l2Bound?: number;
}

export interface QuantizationBound {
  /** Exact integer bound on Σ v_i² of every quantized record. */
  l2SquaredBound: bigint;
  /** √l2SquaredBound rounded up: the declared L2 sensitivity of the sum. */
  l2Sensitivity: number;
  /** Declared L1 sensitivity of the sum: min(√(d·l2SquaredBound), l2SquaredBound). */
  l1Sensitivity: number;
  dimension: number;
}

function positive(x: number, name: string): void {
  if (typeof x !== 'number' || !(x > 0) || !Number.isFinite(x)) throw new RangeError(`${name} must be a positive finite number, got ${x}`);
}

function sqrtUp(n: bigint): number {
  let s = Math.sqrt(Number(n));
  const target = { num: n, den: 1n };
  while (compare(mul(fromNumber(s), fromNumber(s)), target) < 0) s = nextUp(s);
  return s;
}

/** The sensitivity that clipAndQuantize guarantees for these parameters. */
export function quantizationBound(params: QuantizationParams): QuantizationBound {
  positive(params.l2Clip, 'l2Clip');
  positive(params.scale, 'scale');
  const d = params.dimension;
  if (!Number.isSafeInteger(d) || d < 1) throw new RangeError(`dimension must be a positive integer, got ${d}`);
  const rounding = params.rounding ?? 'stochastic';
  if (rounding !== 'stochastic' && rounding !== 'nearest') throw new RangeError(`rounding must be 'stochastic' or 'nearest', got ${String(rounding)}`);
  const scaled = params.l2Clip * params.scale;
  let bound: number;
  if (params.l2Bound !== undefined) {
    positive(params.l2Bound, 'l2Bound');
    if (params.l2Bound < scaled) throw new RangeError(`l2Bound (${params.l2Bound}) must be >= l2Clip*scale (${scaled})`);
    bound = params.l2Bound;
  } else {
    bound = scaled + (rounding === 'nearest' ? 0.5 : 1) * Math.sqrt(d);
  }
  const sq = bound * bound;
  if (!(sq < 2 ** 100)) throw new RangeError('quantization bound too large');
  const l2SquaredBound = BigInt(Math.floor(sq)); // Σ v_i² is an integer, so floor(bound²) suffices
  const l2Sensitivity = sqrtUp(l2SquaredBound);
  const l1 = Math.min(sqrtUp(BigInt(d) * l2SquaredBound), Number(l2SquaredBound));
  return { l2SquaredBound, l2Sensitivity, l1Sensitivity: l1, dimension: d };
}

export interface QuantizedRecord {
  /** The integer vector to sum (safe integers). */
  values: number[];
  /** True if the record was scaled down by clipping. */
  clipped: boolean;
  /** L2 norm of the input record. */
  inputNorm: number;
  /** True if the exact enforcement step had to shrink the vector (very rare). */
  enforced: boolean;
  bound: QuantizationBound;
}

function squaredNorm(v: readonly number[]): bigint {
  let s = 0n;
  for (const x of v) {
    const b = BigInt(x);
    s += b * b;
  }
  return s;
}

/**
 * Clips `record` to L2 norm `l2Clip`, multiplies by `scale` and rounds to integers so that
 * Σ v_i² <= quantizationBound(params).l2SquaredBound holds exactly.
 * Stochastic rounding draws from the injected `rng`/`seed` or the CSPRNG.
 */
export function clipAndQuantize(record: readonly number[], params: QuantizationParams, opts?: { rng?: RandomSource; seed?: string }): QuantizedRecord {
  const bound = quantizationBound(params);
  if (!Array.isArray(record) || record.length !== params.dimension) throw new RangeError(`record must have length ${params.dimension}`);
  let maxAbs = 0;
  for (const x of record) {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError('record entries must be finite numbers');
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  // Overflow-safe norm.
  let ss = 0;
  if (maxAbs > 0) for (const x of record) ss += (x / maxAbs) * (x / maxAbs);
  const inputNorm = maxAbs * Math.sqrt(ss);
  const clipped = inputNorm > params.l2Clip;
  const factor = (clipped ? params.l2Clip / inputNorm : 1) * params.scale;
  const y = record.map((x) => x * factor);
  const rounding = params.rounding ?? 'stochastic';
  const rng = rounding === 'stochastic' ? resolveRandomSource(opts) : undefined;

  const roundNearest = (ys: readonly number[]): number[] => ys.map((v) => checkSafe(Math.round(v)));
  const roundStochastic = (ys: readonly number[]): number[] =>
    ys.map((v) => {
      const f = Math.floor(v);
      const frac = v - f; // exact for doubles
      return checkSafe(frac > 0 && sampleBernoulli(frac, rng as RandomSource) ? f + 1 : f);
    });

  let values: number[] | undefined;
  if (rounding === 'nearest') {
    values = roundNearest(y);
    if (squaredNorm(values) > bound.l2SquaredBound) values = undefined;
  } else {
    for (let attempt = 0; attempt < 64 && values === undefined; attempt++) {
      const v = roundStochastic(y);
      if (squaredNorm(v) <= bound.l2SquaredBound) values = v;
    }
  }
  let enforced = false;
  if (values === undefined) {
    enforced = true;
    let shrink = 1;
    for (;;) {
      shrink *= 1 - 2 ** -12;
      const v = roundNearest(y.map((x) => x * shrink));
      if (squaredNorm(v) <= bound.l2SquaredBound) {
        values = v;
        break;
      }
    }
  }
  return { values, clipped, inputNorm, enforced, bound };
}

function checkSafe(v: number): number {
  if (!Number.isSafeInteger(v)) throw new RangeError('quantized value exceeds 2^53; lower scale or l2Clip');
  return v === 0 ? 0 : v; // normalise -0
}

/** Maps an integer (noisy) sum back to real units: value / scale. */
export function dequantize(values: readonly (number | bigint)[], scale: number): number[] {
  positive(scale, 'scale');
  return values.map((v) => Number(v) / scale);
}
