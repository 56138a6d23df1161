/**
 * Candidate proposals inside secure aggregation: the hub learns exactly the itemsets proposed by
 * at least k stores and how many proposed each, nothing about which store proposed what, and
 * nothing about itemsets fewer than k stores proposed (beyond how many hashed buckets they fill).
 *
 * A linear sketch over a hashed itemset space with identity recovery, in the spirit of A. Gascón,
 * P. Kairouz, Z. Sun, A. Theertha Suresh, "Federated Heavy Hitter Recovery under Linear
 * Sketching", ICML 2023 (there with DP and approximate recovery; here exact, for the k-store rule).
 * Each level runs three secure aggregations, all sums of per-store integer vectors:
 *   1. counts: one count per bucket of h_salt(S) over the store's (active) itemsets;
 *   2. purity: for each bucket whose count reaches k, counts under `rows` independent sub-hashes
 *      into `width` cells; a bucket is pure when every row puts its whole count in one cell
 *      (two distinct itemsets share every cell of every row with probability width^-rows);
 *   3. identities: for each pure heavy bucket, each proposer adds its itemset's encoding (16-bit
 *      words: byte length, bytes, a 16-bit checksum) and its rank; the hub divides by the count
 *      and checks the checksum and the hash.
 * Itemsets of heavy but impure buckets are re-hashed with the next level's salt, alone. Purity
 * comes before identities on purpose: if a single-store itemset T were summed with S in one slot,
 * subtracting k·enc(S), learned at a later level, would reveal T.
 *
 * No DP noise: like today's proposal lists, proposals are covered by the k-store rule, not by DP.
 * The candidate SET equals selectCandidates' for the same k; the order is by proposers, then mean
 * rank, then canonical order (the k-th best rank selectCandidates orders by is not linear).
 */
import { createHash } from 'node:crypto';
import { canonicalItemset, compareItemsets, itemsetKey } from './itemset';
import type { CandidateSelection } from './candidates';
import { checkStatisticsDigest, withDigest } from './statistics-plan';

export const SKETCH_BUCKETS = 65_536;
export const PURITY_ROWS = 3;
export const PURITY_WIDTH = 64;
export const MAX_SKETCH_LEVELS = 8;

export interface SketchLevel {
  salt: string;
  /** Heavy buckets of this level found impure: their itemsets go on to the next level. */
  impure: number[];
}

interface SketchBase {
  roundId: string;
  /** Earlier levels (their salts and impure buckets) decide which itemsets take part. */
  previous: SketchLevel[];
  salt: string;
  buckets: number;
  length: number;
  digest: string;
}

export interface ProposalCountsPlan extends SketchBase {
  kind: 'tessera.federated.proposal-counts/v1';
}

export interface ProposalPurityPlan extends SketchBase {
  kind: 'tessera.federated.proposal-purity/v1';
  heavy: number[];
  rows: number;
  width: number;
}

export interface ProposalIdentitiesPlan extends SketchBase {
  kind: 'tessera.federated.proposal-identities/v1';
  pure: number[];
  /** 16-bit words of one itemset's encoding (length word, bytes, checksum). */
  words: number;
}

export type ProposalSketchPlan = ProposalCountsPlan | ProposalPurityPlan | ProposalIdentitiesPlan;

export function isProposalSketchPlan(plan: { kind: string }): plan is ProposalSketchPlan {
  return plan.kind === 'tessera.federated.proposal-counts/v1' || plan.kind === 'tessera.federated.proposal-purity/v1' || plan.kind === 'tessera.federated.proposal-identities/v1';
}

function hash32(...parts: string[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0);
}

export function bucketOf(items: readonly string[], salt: string, buckets: number): number {
  return hash32('bucket', salt, itemsetKey(items)) % buckets;
}

function cellOf(items: readonly string[], salt: string, row: number, width: number): number {
  return hash32('cell', salt, String(row), itemsetKey(items)) % width;
}

/** Words needed for itemsets of up to `maxLength` items of up to 64-character SKUs. */
export function identityWords(maxLength: number): number {
  return 2 + Math.ceil((maxLength * 70 + 2) / 2);
}

export function planProposalCounts(input: { roundId: string; previous: SketchLevel[]; salt: string; buckets?: number }): ProposalCountsPlan {
  const buckets = input.buckets ?? SKETCH_BUCKETS;
  return withDigest({ kind: 'tessera.federated.proposal-counts/v1' as const, roundId: input.roundId, previous: input.previous, salt: input.salt, buckets, length: buckets });
}

export function planProposalPurity(counts: ProposalCountsPlan, heavy: number[]): ProposalPurityPlan {
  return withDigest({ kind: 'tessera.federated.proposal-purity/v1' as const, roundId: counts.roundId, previous: counts.previous, salt: counts.salt, buckets: counts.buckets, heavy, rows: PURITY_ROWS, width: PURITY_WIDTH, length: heavy.length * PURITY_ROWS * PURITY_WIDTH });
}

export function planProposalIdentities(counts: ProposalCountsPlan, pure: number[], maxLength: number): ProposalIdentitiesPlan {
  const words = identityWords(maxLength);
  return withDigest({ kind: 'tessera.federated.proposal-identities/v1' as const, roundId: counts.roundId, previous: counts.previous, salt: counts.salt, buckets: counts.buckets, pure, words, length: pure.length * (words + 1) });
}

/** A store's ranked proposals, canonical and de-duplicated (first rank kept), that take part at this level. */
function active(proposals: readonly (readonly string[])[], plan: ProposalSketchPlan): { items: string[]; rank: number }[] {
  const seen = new Set<string>();
  const out: { items: string[]; rank: number }[] = [];
  const impure = plan.previous.map((level) => new Set(level.impure));
  proposals.forEach((raw, rank) => {
    const items = canonicalItemset(raw, `proposal ${rank + 1}`);
    const key = itemsetKey(items);
    if (seen.has(key)) return;
    seen.add(key);
    if (plan.previous.every((level, l) => impure[l].has(bucketOf(items, level.salt, plan.buckets)))) out.push({ items, rank });
  });
  return out;
}

function checksum16(bytes: Buffer): number {
  return createHash('sha256').update(bytes).digest().readUInt16BE(0);
}

/** [byte length, bytes as 16-bit words..., checksum], or undefined if it does not fit. */
function encodeItemset(items: readonly string[], words: number): number[] | undefined {
  const bytes = Buffer.from(JSON.stringify(items), 'utf8');
  const needed = 2 + Math.ceil(bytes.length / 2);
  if (needed > words) return undefined;
  const out = new Array<number>(words).fill(0);
  out[0] = bytes.length;
  for (let i = 0; i < bytes.length; i += 2) out[1 + i / 2] = (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  out[words - 1] = checksum16(bytes);
  return out;
}

/** The store's vector for a sketch plan (no noise: proposals are protected by the k-store rule). */
export function proposalSketchVector(proposals: readonly (readonly string[])[], plan: ProposalSketchPlan): number[] {
  checkStatisticsDigest(plan);
  const values = new Array<number>(plan.length).fill(0);
  const mine = active(proposals, plan);
  if (plan.kind === 'tessera.federated.proposal-counts/v1') {
    for (const { items } of mine) values[bucketOf(items, plan.salt, plan.buckets)] += 1;
  } else if (plan.kind === 'tessera.federated.proposal-purity/v1') {
    const slot = new Map(plan.heavy.map((b, i) => [b, i]));
    for (const { items } of mine) {
      const i = slot.get(bucketOf(items, plan.salt, plan.buckets));
      if (i === undefined) continue;
      for (let r = 0; r < plan.rows; r++) values[(i * plan.rows + r) * plan.width + cellOf(items, plan.salt, r, plan.width)] += 1;
    }
  } else {
    const slot = new Map(plan.pure.map((b, i) => [b, i]));
    const stride = plan.words + 1;
    for (const { items, rank } of mine) {
      const i = slot.get(bucketOf(items, plan.salt, plan.buckets));
      if (i === undefined) continue;
      const encoded = encodeItemset(items, plan.words);
      if (!encoded) continue; // too long to be recovered: never a candidate
      values[i * stride] += rank;
      for (let w = 0; w < plan.words; w++) values[i * stride + 1 + w] += encoded[w];
    }
  }
  return values;
}

/** Buckets whose summed count reaches k. */
export function heavyBuckets(counts: ArrayLike<number>, k: number): number[] {
  const heavy: number[] = [];
  for (let b = 0; b < counts.length; b++) if (counts[b] >= k) heavy.push(b);
  return heavy;
}

/** Splits heavy buckets into pure (one itemset) and impure, from the purity sums. */
export function splitPure(purity: ArrayLike<number>, plan: ProposalPurityPlan, counts: ArrayLike<number>): { pure: number[]; impure: number[] } {
  const pure: number[] = [];
  const impure: number[] = [];
  plan.heavy.forEach((bucket, i) => {
    let isPure = true;
    for (let r = 0; r < plan.rows && isPure; r++) {
      let full = 0;
      let nonZero = 0;
      for (let c = 0; c < plan.width; c++) {
        const v = purity[(i * plan.rows + r) * plan.width + c];
        if (v !== 0) nonZero++;
        if (v === counts[bucket]) full++;
      }
      isPure = nonZero === 1 && full === 1;
    }
    (isPure ? pure : impure).push(bucket);
  });
  return { pure, impure };
}

export interface RecoveredItemset {
  items: string[];
  proposers: number;
  rankSum: number;
}

/** Reads the itemsets of pure heavy buckets; a slot that does not decode is returned as failed. */
export function recoverItemsets(identities: ArrayLike<number>, plan: ProposalIdentitiesPlan, counts: ArrayLike<number>): { recovered: RecoveredItemset[]; failed: number[] } {
  const recovered: RecoveredItemset[] = [];
  const failed: number[] = [];
  const stride = plan.words + 1;
  plan.pure.forEach((bucket, i) => {
    const c = counts[bucket];
    const words: number[] = [];
    let ok = c > 0;
    for (let w = 0; w < plan.words && ok; w++) {
      const sum = identities[i * stride + 1 + w];
      if (sum % c !== 0) ok = false;
      words.push(sum / c);
    }
    let items: string[] | undefined;
    if (ok) {
      const length = words[0];
      if (!(length >= 2 && length <= 2 * (plan.words - 2))) ok = false;
      else {
        const bytes = Buffer.alloc(length);
        for (let j = 0; j < length; j++) {
          const word = words[1 + (j >> 1)];
          bytes[j] = j % 2 === 0 ? word >> 8 : word & 0xff;
        }
        try {
          items = canonicalItemset(JSON.parse(bytes.toString('utf8')) as string[]);
          ok = checksum16(bytes) === words[plan.words - 1] && bucketOf(items, plan.salt, plan.buckets) === bucket && JSON.stringify(items) === bytes.toString('utf8');
        } catch {
          ok = false;
        }
      }
    }
    if (ok && items) recovered.push({ items, proposers: c, rankSum: identities[i * stride] });
    else failed.push(bucket);
  });
  return { recovered, failed };
}

/** The candidate list from the recovered itemsets (all have >= k proposers by construction). */
export function selectionFromSketch(recovered: readonly RecoveredItemset[], k: number): CandidateSelection {
  const eligible = recovered.filter((r) => r.proposers >= k).slice();
  eligible.sort((a, b) => b.proposers - a.proposers || a.rankSum / a.proposers - b.rankSum / b.proposers || compareItemsets(a.items, b.items));
  return { itemsets: eligible.map((e) => e.items), proposers: eligible.map((e) => e.proposers), eligible: eligible.length, k };
}

/** Salt of a level: public, fixed by the round id. */
export function levelSalt(roundId: string, level: number): string {
  return `${roundId}/proposals/${level}`;
}

/**
 * The hub's side of the sketch, as a state machine: `next()` is the plan to aggregate (or
 * undefined when done), `receive(sum)` takes the signed sum of the stores' vectors for it.
 * The same stores must contribute to every aggregation of a session.
 */
export class ProposalSketchSession {
  private readonly recovered: RecoveredItemset[] = [];
  private readonly previous: SketchLevel[] = [];
  private level = 0;
  private plan: ProposalSketchPlan | undefined;
  private counts: number[] = [];
  private impure: number[] = [];
  /** Heavy buckets given up after MAX_SKETCH_LEVELS (0 unless hashing is adversarial). */
  unresolved = 0;
  aggregations = 0;

  constructor(
    private readonly roundId: string,
    private readonly k: number,
    private readonly maxLength: number,
    private readonly buckets = SKETCH_BUCKETS,
  ) {
    this.plan = planProposalCounts({ roundId, previous: [], salt: levelSalt(roundId, 0), buckets });
  }

  next(): ProposalSketchPlan | undefined {
    return this.plan;
  }

  receive(sum: ArrayLike<number>): void {
    const plan = this.plan;
    if (!plan) throw new Error('the proposal sketch is complete');
    if (sum.length !== plan.length) throw new RangeError(`the sum has ${sum.length} entries, the plan ${plan.length}`);
    this.aggregations++;
    if (plan.kind === 'tessera.federated.proposal-counts/v1') {
      this.counts = Array.from(sum);
      this.impure = [];
      const heavy = heavyBuckets(this.counts, this.k);
      this.plan = heavy.length ? planProposalPurity(plan, heavy) : undefined;
      return;
    }
    const counts = planProposalCounts({ roundId: this.roundId, previous: this.previous, salt: plan.salt, buckets: this.buckets });
    if (plan.kind === 'tessera.federated.proposal-purity/v1') {
      const { pure, impure } = splitPure(sum, plan, this.counts);
      this.impure = impure;
      if (pure.length) {
        this.plan = planProposalIdentities(counts, pure, this.maxLength);
        return;
      }
    } else {
      const { recovered, failed } = recoverItemsets(sum, plan, this.counts);
      this.recovered.push(...recovered);
      this.impure.push(...failed);
    }
    this.nextLevel();
  }

  private nextLevel() {
    if (!this.impure.length) {
      this.plan = undefined;
      return;
    }
    this.previous.push({ salt: levelSalt(this.roundId, this.level), impure: this.impure.slice().sort((a, b) => a - b) });
    this.level++;
    if (this.level >= MAX_SKETCH_LEVELS) {
      this.unresolved = this.impure.length;
      this.plan = undefined;
      return;
    }
    this.plan = planProposalCounts({ roundId: this.roundId, previous: this.previous.map((l) => ({ ...l })), salt: levelSalt(this.roundId, this.level), buckets: this.buckets });
  }

  selection(): CandidateSelection {
    return selectionFromSketch(this.recovered, this.k);
  }
}
