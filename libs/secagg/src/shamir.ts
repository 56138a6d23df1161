/**
 * Shamir t-out-of-n secret sharing over GF(2^255 − 19) (Shamir, "How to share a secret", CACM
 * 1979), as used by Bonawitz et al. (CCS 2017) to share s_u^SK and b_u.
 *
 * Party with protocol index i (0-based) holds the evaluation at x = i + 1, so x-coordinates are
 * distinct, public and never 0. Any t shares reconstruct the secret by Lagrange interpolation at
 * 0; t − 1 shares are independent of it. Interpolation coefficients depend only on the set of
 * x-coordinates, so `LagrangeCache` reuses them across the many secrets a server reconstructs
 * from the same responders (the common case with the complete graph).
 */
import { P, batchInv, randomFieldElement } from './field';

export interface Share {
  /** x-coordinate (protocol index + 1). */
  x: number;
  y: bigint;
}

/**
 * Evaluates a fresh random degree-(t−1) polynomial with constant term `secret` at each x.
 * Returns shares in the same order as `xs`.
 */
export function split(secret: bigint, threshold: number, xs: readonly number[]): bigint[] {
  if (!Number.isInteger(threshold) || threshold < 1) throw new RangeError('threshold must be ≥ 1');
  const coeffs = new Array<bigint>(threshold);
  coeffs[0] = secret;
  for (let i = 1; i < threshold; i++) coeffs[i] = randomFieldElement();
  const out = new Array<bigint>(xs.length);
  for (let k = 0; k < xs.length; k++) {
    const x = BigInt(xs[k]);
    // Horner; x is small, so reduce only every few steps to keep numbers short but cheap.
    let y = 0n;
    for (let i = threshold - 1; i >= 0; i--) {
      y = y * x + coeffs[i];
      if ((i & 3) === 0) y %= P;
    }
    out[k] = y % P;
  }
  return out;
}

export class LagrangeCache {
  private readonly cache = new Map<string, bigint[]>();

  /** Coefficients λ_i with Σ λ_i · f(x_i) = f(0), for distinct non-zero small x_i. */
  coefficients(xs: readonly number[]): bigint[] {
    const key = xs.join(',');
    const hit = this.cache.get(key);
    if (hit) return hit;
    // λ_i = Π_{j≠i} x_j / (x_j − x_i) = (Π_j x_j) / (x_i · Π_{j≠i} (x_j − x_i)).
    let num = 1n;
    for (const x of xs) num = (num * BigInt(x)) % P;
    const dens = xs.map((xi, i) => {
      let d = BigInt(xi);
      for (let j = 0; j < xs.length; j++) if (j !== i) d = (d * BigInt(xs[j] - xi)) % P;
      return d < 0n ? d + P : d;
    });
    const inv = batchInv(dens);
    const lambdas = inv.map((v) => (v * num) % P);
    if (this.cache.size > 4096) this.cache.clear();
    this.cache.set(key, lambdas);
    return lambdas;
  }
}

/** Reconstructs from exactly the given shares (caller chooses ≥ t of them). */
export function reconstruct(shares: readonly Share[], cache: LagrangeCache = new LagrangeCache()): bigint {
  if (shares.length === 0) throw new RangeError('no shares');
  const xs = shares.map((s) => s.x);
  if (new Set(xs).size !== xs.length) throw new RangeError('duplicate x-coordinates');
  const lambdas = cache.coefficients(xs);
  let acc = 0n;
  for (let i = 0; i < shares.length; i++) acc += lambdas[i] * shares[i].y;
  return acc % P;
}
