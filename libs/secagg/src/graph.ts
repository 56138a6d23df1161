/**
 * Communication graphs.
 *
 * - Complete graph: the original protocol of Bonawitz et al. (CCS 2017); every client masks with
 *   and shares to every other client.
 * - SecAgg+ graph (Bell, Bonawitz, Gascón, Lepoint, Raykova, "Secure Single-Server Aggregation
 *   with (Poly)Logarithmic Overhead", CCS 2020): a k-regular Harary graph H(n, k) whose vertices
 *   are relabelled by a uniformly random permutation derived from a public seed. Ring positions
 *   p(i); i and j are neighbours iff their ring distance is ≤ k/2 (plus the antipode when k is odd
 *   and n even). Because of the random relabelling, the neighbourhood of any fixed client is a
 *   uniformly random k-subset of the others, which is what the parameter analysis in
 *   `risk.ts` assumes.
 *
 * A client's *committee* C(u) = N(u) ∪ {u}: the parties holding shares of u's secrets (u keeps its
 * own share). Thresholds are relative to the committee size (k + 1, or n for the complete graph).
 */
import { createCipheriv } from 'node:crypto';
import { SecAggError } from './errors';
import { sha256 } from './crypto';

export class Topology {
  readonly n: number;
  /** Degree (number of neighbours, excluding self). n − 1 for the complete graph. */
  readonly degree: number;
  readonly complete: boolean;
  /** Ring position of each client index (Harary graph only). */
  private readonly pos: Int32Array;
  private readonly committees = new Map<number, readonly number[]>();

  private constructor(n: number, degree: number, complete: boolean, pos: Int32Array) {
    this.n = n;
    this.degree = degree;
    this.complete = complete;
    this.pos = pos;
  }

  static complete(n: number): Topology {
    return new Topology(n, n - 1, true, new Int32Array(0));
  }

  /** Harary graph H(n, k) relabelled by a permutation derived from `seed` (public randomness). */
  static harary(n: number, k: number, seed: Uint8Array): Topology {
    if (!Number.isInteger(k) || k < 1) throw new SecAggError('INVALID_CONFIG', `neighbours must be a positive integer, got ${k}`);
    if (k >= n - 1) return Topology.complete(n);
    if (k % 2 === 1 && n % 2 === 1) {
      throw new SecAggError('INVALID_CONFIG', `an odd degree (${k}) needs an even number of clients (n = ${n}); use an even k`);
    }
    const perm = seededPermutation(n, seed);
    const pos = new Int32Array(n);
    for (let p = 0; p < n; p++) pos[perm[p]] = p;
    return new Topology(n, k, false, pos);
  }

  isNeighbour(i: number, j: number): boolean {
    if (i === j) return false;
    if (this.complete) return true;
    let d = Math.abs(this.pos[i] - this.pos[j]);
    if (d > this.n - d) d = this.n - d;
    if (d <= this.degree >> 1) return true;
    return this.degree % 2 === 1 && d === this.n / 2;
  }

  /** C(i) = N(i) ∪ {i}, ascending. */
  committee(i: number): readonly number[] {
    let c = this.committees.get(i);
    if (c) return c;
    const out: number[] = [];
    if (this.complete) for (let j = 0; j < this.n; j++) out.push(j);
    else {
      const half = this.degree >> 1;
      const byPos = this.byPosition();
      const p = this.pos[i];
      out.push(i);
      for (let d = 1; d <= half; d++) {
        out.push(byPos[(p + d) % this.n], byPos[(p - d + this.n) % this.n]);
      }
      if (this.degree % 2 === 1) out.push(byPos[(p + this.n / 2) % this.n]);
      out.sort((a, b) => a - b);
    }
    c = Object.freeze(out);
    this.committees.set(i, c);
    return c;
  }

  private byPos?: Int32Array;
  private byPosition(): Int32Array {
    if (!this.byPos) {
      this.byPos = new Int32Array(this.n);
      for (let i = 0; i < this.n; i++) this.byPos[this.pos[i]] = i;
    }
    return this.byPos;
  }
}

/**
 * Fisher–Yates shuffle driven by an AES-256-CTR stream keyed with SHA-256(seed); indices are drawn
 * by rejection sampling so the permutation is exactly uniform given a random seed.
 */
export function seededPermutation(n: number, seed: Uint8Array): Int32Array {
  const key = sha256('tessera-secagg/v1', 'graph-permutation', seed);
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  let buf = Buffer.alloc(0);
  let off = 0;
  const next32 = (): number => {
    if (off + 4 > buf.length) {
      buf = cipher.update(Buffer.alloc(4096));
      off = 0;
    }
    const v = buf.readUInt32LE(off);
    off += 4;
    return v;
  };
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const range = i + 1;
    const limit = Math.floor(0x100000000 / range) * range;
    let r: number;
    do r = next32();
    while (r >= limit);
    const j = r % range;
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm;
}
