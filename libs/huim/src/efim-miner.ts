/**
 * EFIM's depth-first search over a prepared database (efim-prepare.ts), from the paper:
 *
 *   S. Zida, P. Fournier-Viger, J. C.-W. Lin, C.-W. Wu, V. S. Tseng,
 *   "EFIM: a fast and memory efficient algorithm for high-utility itemset mining",
 *   Knowledge and Information Systems 51(2), 2017.
 *
 * Database projection, high-utility transaction merging of identical projected transactions,
 * and the revised sub-tree utility (Primary items) and local utility (Secondary items) upper
 * bounds computed in one scan with utility-bin arrays; with the item-indexed and compact
 * projections described in efim.ts.
 */
import { ARENA_SLOT_BYTES, MB, MiningLimitError, OUTPUT_SLOT_BYTES, type PreparedDatabase, type RawItemsets, type SearchStats, type ThresholdShare } from './efim-prepared-database';
import { Level } from './efim-search-level';

/** The depth-first search. One instance per thread. */
export class Miner {
  readonly db: PreparedDatabase;
  minUtil: number;
  private readonly minSup: number;
  private readonly maxLength: number;
  private readonly topK: number;
  private readonly merging: boolean;
  private readonly m: number;
  // Arena: [0, base) = the prepared database; above it a stack of projected transactions
  // that own their data (compacted or merged). IT: item ranks, UT: utilities,
  // SU: suffix sums of UT within a transaction (SU[k] = UT[k] + UT[k+1] + ... to its end).
  private IT: Int32Array;
  private UT: Float64Array;
  private SU: Float64Array;
  private arenaTop: number;
  /** Copy a projection restricted to Secondary(beta) when those items are less than this fraction of the suffixes. */
  private readonly compactRatio: number;
  private readonly levels: Level[] = [];
  private readonly prefix: Int32Array;
  // utility bins
  private readonly su: Float64Array;
  private readonly lu: Float64Array;
  private readonly sc: Int32Array;
  private readonly occ: Int32Array;
  private readonly touched: Int32Array;
  // output
  private outCount = 0;
  private outOff = new Int32Array(1025);
  private outItems = new Int32Array(4096);
  private outUtil = new Float64Array(1024);
  private outSup = new Int32Array(1024);
  // top-k heap of the k best utilities found
  private readonly heap: Float64Array;
  private heapSize = 0;
  // capped threshold mode: a min-heap of the cap + 1 best utilities found; once full, the
  // threshold is its minimum + 1, so at most `cap` itemsets stay above it
  private readonly cap: number;
  private readonly capHeap: Float64Array;
  private readonly capLengths: Int32Array;
  private capHeapSize = 0;
  /** Items summed over the itemsets in the cap heap, and their cap. */
  private capItems = 0;
  private readonly itemCap: number;
  /** Whether the threshold can rise during the search (top-k or a cap). */
  private readonly adaptive: boolean;
  private readonly budget: number;
  private readonly share: ThresholdShare | undefined;
  readonly stats: SearchStats = { candidates: 0, merged: 0 };
  /** Estimated work of each root task (index in root Primary order). */
  rootWork: Float64Array = new Float64Array(0);

  constructor(db: PreparedDatabase, share?: ThresholdShare) {
    this.db = db;
    this.m = db.m;
    this.minUtil = db.minUtil;
    this.minSup = db.minSup;
    this.maxLength = db.maxLength;
    this.topK = db.topK;
    this.merging = db.merging;
    this.compactRatio = db.compactRatio;
    // the arena starts at the database size plus a quarter and doubles when needed
    const cap = db.items.length + Math.max(1024, db.items.length >> 2);
    this.IT = new Int32Array(cap);
    this.IT.set(db.items);
    this.UT = new Float64Array(cap);
    this.UT.set(db.utils);
    this.SU = new Float64Array(cap);
    for (let t = 0; t < db.n; t++) {
      let acc = 0;
      for (let k = db.start[t] + db.len[t] - 1; k >= db.start[t]; k--) {
        acc += db.utils[k];
        this.SU[k] = acc;
      }
    }
    this.arenaTop = db.items.length;
    this.prefix = new Int32Array(Math.min(db.m, db.maxLength) + 1);
    const m = db.m;
    this.su = new Float64Array(m);
    this.lu = new Float64Array(m);
    this.sc = new Int32Array(m);
    this.occ = new Int32Array(m);
    this.touched = new Int32Array(m);
    this.heap = new Float64Array(this.topK > 0 ? this.topK : 0);
    this.cap = this.topK > 0 ? 0 : db.maxItemsets;
    this.capHeap = new Float64Array(this.cap > 0 ? this.cap + 1 : 0);
    this.capLengths = new Int32Array(this.cap > 0 ? this.cap + 1 : 0);
    this.itemCap = db.maxItemsetItems > 0 ? db.maxItemsetItems : Infinity;
    this.adaptive = this.topK > 0 || this.cap > 0;
    this.budget = db.memoryBudgetBytes;
    this.share = share;
    this.initRoot();
  }

  private level(d: number): Level {
    let L = this.levels[d];
    if (!L) {
      L = new Level(d === 0 ? Math.max(1, this.db.n) : 64, this.m);
      this.levels[d] = L;
    }
    return L;
  }

  /** Number of root tasks (first-level branches). */
  get taskCount(): number {
    return this.levels[0].nPrim;
  }

  private initRoot(): void {
    const db = this.db;
    const L = this.level(0);
    L.n = db.n;
    for (let t = 0; t < db.n; t++) {
      L.it[t] = db.start[t];
      L.ut[t] = db.start[t];
      L.len[t] = db.len[t];
      L.pu[t] = 0;
      L.cnt[t] = db.count[t];
    }
    // Root bins: su(empty, z), lu(empty, z) (= TWU in the revised database), support.
    // prepare() pruned items to a fixpoint of the revised TWU, so every item is Secondary.
    const m = this.m;
    const IT = this.IT;
    const SU = this.SU;
    const su = this.su;
    const lu = this.lu;
    const sc = this.sc;
    const occ = this.occ;
    const work = new Float64Array(m);
    for (let t = 0; t < db.n; t++) {
      const s = L.it[t];
      const l = L.len[t];
      const tot = l > 0 ? SU[s] : 0;
      const c = L.cnt[t];
      for (let j = 0; j < l; j++) {
        const z = IT[s + j];
        su[z] += SU[s + j];
        lu[z] += tot;
        sc[z] += c;
        occ[z]++;
        work[z] += l - j - 1;
      }
    }
    const minUtil = this.minUtil;
    const minSup = this.minSup;
    L.nSec = 0;
    L.nPrim = 0;
    let all = true;
    const works: number[] = [];
    for (let z = 0; z < m; z++) {
      if (sc[z] >= minSup && lu[z] >= minUtil) {
        L.alive[z] = 1;
        L.sec[L.nSec++] = z;
        if (su[z] >= minUtil) {
          const k = L.nPrim++;
          L.prim[k] = z;
          L.primSu[k] = su[z];
          L.primSup[k] = sc[z];
          L.primOcc[k] = occ[z];
          works.push(work[z] + occ[z]);
        }
      } else all = false;
      su[z] = 0;
      lu[z] = 0;
      sc[z] = 0;
      occ[z] = 0;
    }
    L.suf = all;
    this.rootWork = Float64Array.from(works);
    this.buildBuckets(0);
  }

  /** Index the transactions of level d by its Primary items (one scan). */
  private buildBuckets(d: number): void {
    const L = this.levels[d];
    const nP = L.nPrim;
    const tok = ++L.tok;
    let total = 0;
    for (let k = 0; k < nP; k++) {
      L.bucketOf[L.prim[k]] = k;
      L.bucketTok[L.prim[k]] = tok;
      L.bStart[k] = total;
      L.bEnd[k] = total;
      total += L.primOcc[k];
    }
    if (L.bT.length < total) {
      let cap = L.bT.length;
      while (cap < total) cap *= 2;
      L.bT = new Int32Array(cap);
      L.bP = new Int32Array(cap);
    }
    // Note: no code with property stores after the loop (see binsSuffix).
    this.fillBuckets(L, tok, nP > 0 ? L.prim[0] : 0);
  }

  private fillBuckets(L: Level, tok: number, minPrim: number): void {
    const IT = this.IT;
    const bucketOf = L.bucketOf;
    const bucketTok = L.bucketTok;
    const bEnd = L.bEnd;
    const bT = L.bT;
    const bP = L.bP;
    const n = L.n;
    const lit = L.it;
    const llen = L.len;
    // Items are ascending in a transaction: scan from the end, stop below the first Primary
    // item. Entries of each bucket are in transaction order (keeps the reverse-lex order).
    for (let t = 0; t < n; t++) {
      const s = lit[t];
      for (let j = llen[t] - 1; j >= 0; j--) {
        const z = IT[s + j];
        if (z < minPrim) break;
        if (bucketTok[z] === tok) {
          const q = bEnd[bucketOf[z]]++;
          bT[q] = t;
          bP[q] = j;
        }
      }
    }
  }

  private ensureArena(extra: number): void {
    const need = this.arenaTop + extra;
    if (need > this.UT.length) {
      let cap = this.UT.length * 2;
      while (cap < need) cap *= 2;
      this.checkBudget(cap, this.outOff.length, this.outItems.length);
      const top = this.arenaTop;
      const a = new Float64Array(cap);
      a.set(this.UT.subarray(0, top));
      this.UT = a;
      const b = new Int32Array(cap);
      b.set(this.IT.subarray(0, top));
      this.IT = b;
      const c = new Float64Array(cap);
      c.set(this.SU.subarray(0, top));
      this.SU = c;
    }
  }

  private emit(depth: number, utility: number, support: number): void {
    const c = this.outCount;
    if (c + 1 >= this.outOff.length - 1) {
      const cap = this.outOff.length * 2;
      this.checkBudget(this.UT.length, cap, this.outItems.length);
      const o = new Int32Array(cap);
      o.set(this.outOff);
      this.outOff = o;
      const u = new Float64Array(cap);
      u.set(this.outUtil);
      this.outUtil = u;
      const s = new Int32Array(cap);
      s.set(this.outSup);
      this.outSup = s;
    }
    let w = this.outOff[c];
    if (w + depth > this.outItems.length) {
      let cap = this.outItems.length * 2;
      while (cap < w + depth) cap *= 2;
      this.checkBudget(this.UT.length, this.outOff.length, cap);
      const a = new Int32Array(cap);
      a.set(this.outItems.subarray(0, w));
      this.outItems = a;
    }
    const r2d = this.db.rankToDense;
    for (let j = 0; j < depth; j++) this.outItems[w++] = r2d[this.prefix[j]];
    this.outOff[c + 1] = w;
    this.outUtil[c] = utility;
    this.outSup[c] = support;
    this.outCount = c + 1;
    if (this.topK > 0) this.pushTopK(utility);
    else if (this.cap > 0) this.pushCapped(utility, depth);
  }

  /** Throws when buffers of these sizes (old and new copies while growing) would exceed the budget. */
  private checkBudget(arenaSlots: number, outputSlots: number, outputItems: number): void {
    if (this.budget <= 0) return;
    const bytes = (arenaSlots + this.UT.length) * ARENA_SLOT_BYTES + (outputSlots + this.outOff.length) * OUTPUT_SLOT_BYTES + (outputItems + this.outItems.length) * 4;
    if (bytes > this.budget) {
      throw new MiningLimitError(
        `mining stopped: its buffers would grow to about ${Math.ceil(bytes / MB)} MB, over the memory budget of ${Math.floor(this.budget / MB)} MB${this.cap > 0 ? ` (already keeping at most ${this.cap} itemsets)` : ''}: lower maxPatternLength or raise the threshold`,
        bytes,
        this.budget,
      );
    }
  }

  /**
   * Capped mode: the itemsets at or above the threshold, as a min-heap of (utility, length).
   * While they are more than the cap, or hold more items than the item cap, the group of the
   * lowest utility is dropped and the threshold becomes that utility + 1: no smaller
   * threshold can satisfy the caps, since the full result holds at least these itemsets.
   */
  private pushCapped(u: number, length: number): void {
    const hu = this.capHeap;
    const hl = this.capLengths;
    let i = this.capHeapSize++;
    hu[i] = u;
    hl[i] = length;
    this.capItems += length;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (hu[p] <= hu[i]) break;
      this.swapCap(p, i);
      i = p;
    }
    if (this.capHeapSize <= this.cap && this.capItems <= this.itemCap) return;
    let raised = this.minUtil;
    while (this.capHeapSize > 0 && (this.capHeapSize > this.cap || this.capItems > this.itemCap)) {
      const v = hu[0];
      while (this.capHeapSize > 0 && hu[0] === v) this.popCap();
      raised = Math.max(raised, v + 1);
    }
    if (raised > this.minUtil) {
      this.minUtil = raised;
      if (this.share) this.share.raise(raised);
      if (this.outCount > 2 * this.cap + 1024 || this.outOff[this.outCount] > 2 * this.itemCap + 4096) this.compactOutput();
    }
  }

  private swapCap(a: number, b: number): void {
    const hu = this.capHeap;
    const hl = this.capLengths;
    const tu = hu[a];
    hu[a] = hu[b];
    hu[b] = tu;
    const tl = hl[a];
    hl[a] = hl[b];
    hl[b] = tl;
  }

  private popCap(): void {
    const hu = this.capHeap;
    const n = --this.capHeapSize;
    this.capItems -= this.capLengths[0];
    hu[0] = hu[n];
    this.capLengths[0] = this.capLengths[n];
    let i = 0;
    for (;;) {
      const a = 2 * i + 1;
      const b = a + 1;
      let s = i;
      if (a < n && hu[a] < hu[s]) s = a;
      if (b < n && hu[b] < hu[s]) s = b;
      if (s === i) break;
      this.swapCap(s, i);
      i = s;
    }
  }

  private pushTopK(u: number): void {
    const h = this.heap;
    const k = this.topK;
    if (this.heapSize < k) {
      let i = this.heapSize++;
      h[i] = u;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (h[p] <= h[i]) break;
        const tmp = h[p];
        h[p] = h[i];
        h[i] = tmp;
        i = p;
      }
    } else if (u > h[0]) {
      h[0] = u;
      let i = 0;
      for (;;) {
        const a = 2 * i + 1;
        const b = a + 1;
        let s = i;
        if (a < k && h[a] < h[s]) s = a;
        if (b < k && h[b] < h[s]) s = b;
        if (s === i) break;
        const tmp = h[s];
        h[s] = h[i];
        h[i] = tmp;
        i = s;
      }
    } else return;
    if (this.heapSize === k && h[0] > this.minUtil) {
      this.minUtil = h[0];
      if (this.share) this.share.raise(h[0]);
      if (this.outCount > 4 * k + 1024) this.compactOutput();
    }
  }

  /** Top-k or capped: drop stored itemsets below the current threshold. */
  private compactOutput(): void {
    const t = this.minUtil;
    let w = 0;
    let wi = 0;
    for (let c = 0; c < this.outCount; c++) {
      if (this.outUtil[c] < t) continue;
      const s = this.outOff[c];
      const e = this.outOff[c + 1];
      this.outOff[w] = wi;
      for (let p = s; p < e; p++) this.outItems[wi++] = this.outItems[p];
      this.outUtil[w] = this.outUtil[c];
      this.outSup[w] = this.outSup[c];
      w++;
    }
    this.outOff[w] = wi;
    this.outCount = w;
  }

  private syncThreshold(): void {
    if (this.share) {
      const g = this.share.read();
      if (g > this.minUtil) this.minUtil = g;
    }
  }

  /** Run every root task in order (single-threaded mining). */
  runAll(): void {
    const nT = this.taskCount;
    for (let k = 0; k < nT; k++) this.runTask(k);
  }

  /** Explore the branch of the k-th root Primary item. */
  runTask(k: number): void {
    this.step(0, k);
  }

  /** Explore all Primary items of level d. */
  private explore(d: number): void {
    const L = this.levels[d];
    this.buildBuckets(d);
    const nP = L.nPrim;
    for (let k = 0; k < nP; k++) this.step(d, k);
  }

  // results of the passes below (kept in fields so that each pass is a small function
  // with one hot loop: V8 optimizes those early and keeps them optimized)
  private nTouched = 0;
  private scanned = 0;
  private kept = 0;

  /** Extend the node at level d with its k-th Primary item i (beta = alpha + {i}), then recurse. */
  private step(d: number, k: number): void {
    const L = this.levels[d];
    if (this.adaptive) {
      this.syncThreshold();
      if (L.primSu[k] < this.minUtil) return;
    }
    const sup = L.primSup[k];
    if (sup < this.minSup) return;
    const i = L.prim[k];
    this.prefix[d] = i;
    const b0 = L.bStart[k];
    const b1 = L.bEnd[k];
    this.stats.candidates++;

    // Leaf (maxLength reached): only the utility of beta is needed.
    if (d + 1 >= this.maxLength) {
      const u = this.leafUtility(L, b0, b1);
      if (u >= this.minUtil) this.emit(d + 1, u, sup);
      return;
    }
    // Pass 1: u(beta) and the utility bins of beta.
    const uBeta = L.suf ? this.binsSuffix(L, b0, b1) : this.binsAlive(L, b0, b1);
    if (uBeta >= this.minUtil) this.emit(d + 1, uBeta, sup);
    // Primary(beta) and Secondary(beta).
    const N = this.level(d + 1);
    this.extract(L, N, i);
    if (N.nPrim > 0) {
      N.ensure(b1 - b0);
      const arenaMark = this.arenaTop;
      // Pass 2: build beta-D. If every suffix item is still Secondary, point into the
      // suffixes (EFIM projection); if few are, copy the transactions restricted to
      // Secondary(beta) into the arena (shorter transactions for the whole sub-tree).
      const kept = this.kept;
      const scanned = this.scanned;
      let merged: number;
      if (kept === scanned) merged = this.projectShared(L, N, b0, b1, arenaMark, L.suf);
      else if (kept < scanned * this.compactRatio) merged = this.projectCompact(L, N, b0, b1);
      else merged = this.projectShared(L, N, b0, b1, arenaMark, false);
      this.stats.merged += merged;
      this.explore(d + 1);
      this.arenaTop = arenaMark;
    }
    const nAlive = N.alive;
    const nSecList = N.sec;
    for (let x = 0, e = N.nSec; x < e; x++) nAlive[nSecList[x]] = 0;
    N.nSec = 0;
  }

  private leafUtility(L: Level, b0: number, b1: number): number {
    const UT = this.UT;
    const bT = L.bT;
    const bP = L.bP;
    const lpu = L.pu;
    const lut = L.ut;
    let u = 0;
    for (let q = b0; q < b1; q++) {
      const t = bT[q];
      u += lpu[t] + UT[lut[t] + bP[q]];
    }
    return u;
  }

  /**
   * Pass 1 over the transactions of alpha-D containing i (bucket entries b0..b1) when every
   * item of alpha-D is Secondary: remaining utilities are the precomputed suffix sums.
   * Fills the bins of beta for the items after i: sub-tree utility su, local utility lu,
   * support sc, number of projected transactions occ; lists the items with sc > 0 in touched.
   * Returns u(beta).
   */
  private binsSuffix(L: Level, b0: number, b1: number): number {
    const IT = this.IT;
    const UT = this.UT;
    const SU = this.SU;
    const bT = L.bT;
    const bP = L.bP;
    const lpu = L.pu;
    const lut = L.ut;
    const lit = L.it;
    const llen = L.len;
    const lcnt = L.cnt;
    const su = this.su;
    const lu = this.lu;
    const sc = this.sc;
    const occ = this.occ;
    const touched = this.touched;
    let nTouched = 0;
    let uBeta = 0;
    let scanned = 0;
    this.nTouched = 0;
    this.scanned = 0;
    for (let q = b0; q < b1; q++) {
      const t = bT[q];
      const p = bP[q];
      const us = lut[t] + p;
      const pu = lpu[t] + UT[us];
      uBeta += pu;
      const rl = llen[t] - p - 1;
      if (rl === 0) continue;
      scanned += rl;
      const is = lit[t] + p + 1;
      const rs = us + 1;
      const c = lcnt[t];
      const base = pu + SU[rs];
      for (let j = 0; j < rl; j++) {
        const z = IT[is + j];
        su[z] += pu + SU[rs + j];
        lu[z] += base;
        const s0 = sc[z];
        if (s0 === 0) touched[nTouched++] = z;
        sc[z] = s0 + c;
        occ[z]++;
      }
      this.nTouched = nTouched;
      this.scanned = scanned;
    }
    return uBeta;
  }

  /** Pass 1 when alpha-D may hold items that are not Secondary(alpha) (skipped). */
  private binsAlive(L: Level, b0: number, b1: number): number {
    const IT = this.IT;
    const UT = this.UT;
    const bT = L.bT;
    const bP = L.bP;
    const lpu = L.pu;
    const lut = L.ut;
    const lit = L.it;
    const llen = L.len;
    const lcnt = L.cnt;
    const alive = L.alive;
    const su = this.su;
    const lu = this.lu;
    const sc = this.sc;
    const occ = this.occ;
    const touched = this.touched;
    let nTouched = 0;
    let uBeta = 0;
    let scanned = 0;
    this.nTouched = 0;
    this.scanned = 0;
    for (let q = b0; q < b1; q++) {
      const t = bT[q];
      const p = bP[q];
      const us = lut[t] + p;
      const pu = lpu[t] + UT[us];
      uBeta += pu;
      const rl = llen[t] - p - 1;
      if (rl === 0) continue;
      scanned += rl;
      const is = lit[t] + p + 1;
      const rs = us + 1;
      const c = lcnt[t];
      let tot = 0;
      for (let j = 0; j < rl; j++) if (alive[IT[is + j]] !== 0) tot += UT[rs + j];
      let r = tot;
      const base = pu + tot;
      for (let j = 0; j < rl; j++) {
        const z = IT[is + j];
        if (alive[z] === 0) continue;
        su[z] += pu + r;
        lu[z] += base;
        const s0 = sc[z];
        if (s0 === 0) touched[nTouched++] = z;
        sc[z] = s0 + c;
        occ[z]++;
        r -= UT[rs + j];
      }
      this.nTouched = nTouched;
      this.scanned = scanned;
    }
    return uBeta;
  }

  /** Primary(beta) and Secondary(beta) (ascending rank) from the bins into level N; resets the bins. */
  private extract(L: Level, N: Level, i: number): void {
    const su = this.su;
    const lu = this.lu;
    const sc = this.sc;
    const occ = this.occ;
    const minUtil = this.minUtil;
    const minSup = this.minSup;
    const nTouched = this.nTouched;
    // either sort the touched items or walk Secondary(alpha) after i, whichever is cheaper
    const sec = L.sec;
    let lo = 0;
    let hi = L.nSec;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sec[mid] <= i) lo = mid + 1;
      else hi = mid;
    }
    const secAfter = L.nSec - lo;
    let list: Int32Array;
    let nList: number;
    if (nTouched * (4 + Math.log2(nTouched + 1)) < secAfter) {
      list = this.touched.subarray(0, nTouched).sort();
      nList = nTouched;
    } else {
      list = sec.subarray(lo, L.nSec);
      nList = secAfter;
    }
    let nPrim = 0;
    let nSec = 0;
    let kept = 0;
    const nAlive = N.alive;
    const nSecList = N.sec;
    const prim = N.prim;
    const primSu = N.primSu;
    const primSup = N.primSup;
    const primOcc = N.primOcc;
    for (let x = 0; x < nList; x++) {
      const z = list[x];
      const s0 = sc[z];
      if (s0 === 0) continue;
      if (s0 >= minSup && lu[z] >= minUtil) {
        nAlive[z] = 1;
        nSecList[nSec++] = z;
        kept += occ[z];
        const s = su[z];
        if (s >= minUtil) {
          prim[nPrim] = z;
          primSu[nPrim] = s;
          primSup[nPrim] = s0;
          primOcc[nPrim] = occ[z];
          nPrim++;
        }
      }
      su[z] = 0;
      lu[z] = 0;
      sc[z] = 0;
      occ[z] = 0;
    }
    N.nPrim = nPrim;
    N.nSec = nSec;
    this.kept = kept;
  }

  /**
   * beta-D as suffix pointers (EFIM projection), merging adjacent identical transactions.
   * With keepSuf, suffix sums stay valid (merged copies get summed suffix sums).
   */
  private projectShared(L: Level, N: Level, b0: number, b1: number, arenaMark: number, keepSuf: boolean): number {
    let IT = this.IT;
    let UT = this.UT;
    let SU = this.SU;
    const bT = L.bT;
    const bP = L.bP;
    const lit = L.it;
    const lut = L.ut;
    const llen = L.len;
    const lpu = L.pu;
    const lcnt = L.cnt;
    const nit = N.it;
    const nut = N.ut;
    const nlen = N.len;
    const npu = N.pu;
    const ncnt = N.cnt;
    const merging = this.merging;
    let nN = 0;
    let merged = 0;
    N.n = 0;
    N.suf = keepSuf;
    for (let q = b0; q < b1; q++) {
      const t = bT[q];
      const p = bP[q];
      const rl = llen[t] - p - 1;
      if (rl === 0) continue;
      const us = lut[t] + p;
      const pu = lpu[t] + UT[us];
      const c = lcnt[t];
      const is = lit[t] + p + 1;
      const rs = us + 1;
      if (merging && nN > 0 && nlen[nN - 1] === rl) {
        const pq = nN - 1;
        const ps = nit[pq];
        let same = true;
        for (let j = 0; j < rl; j++) {
          if (IT[ps + j] !== IT[is + j]) {
            same = false;
            break;
          }
        }
        if (same) {
          let pus = nut[pq];
          if (pus < arenaMark) {
            // first merge into this transaction: give it its own utilities in the arena
            if (this.arenaTop + rl > UT.length) {
              this.ensureArena(rl);
              UT = this.UT;
              IT = this.IT;
              SU = this.SU;
            }
            const w = this.arenaTop;
            UT.copyWithin(w, pus, pus + rl);
            if (keepSuf) SU.copyWithin(w, pus, pus + rl);
            this.arenaTop = w + rl;
            nut[pq] = w;
            pus = w;
          }
          for (let j = 0; j < rl; j++) UT[pus + j] += UT[rs + j];
          if (keepSuf) for (let j = 0; j < rl; j++) SU[pus + j] += SU[rs + j];
          npu[pq] += pu;
          ncnt[pq] += c;
          merged++;
          continue;
        }
      }
      nit[nN] = is;
      nut[nN] = rs;
      nlen[nN] = rl;
      npu[nN] = pu;
      ncnt[nN] = c;
      nN++;
      N.n = nN;
    }
    return merged;
  }

  /** beta-D restricted to Secondary(beta), copied into the arena with suffix sums; merges adjacent identical transactions. */
  private projectCompact(L: Level, N: Level, b0: number, b1: number): number {
    const bT = L.bT;
    const bP = L.bP;
    const lit = L.it;
    const lut = L.ut;
    const llen = L.len;
    const lpu = L.pu;
    const lcnt = L.cnt;
    const nit = N.it;
    const nut = N.ut;
    const nlen = N.len;
    const npu = N.pu;
    const ncnt = N.cnt;
    const nAlive = N.alive;
    const merging = this.merging;
    let nN = 0;
    let merged = 0;
    N.n = 0;
    N.suf = true;
    for (let q = b0; q < b1; q++) {
      const t = bT[q];
      const p = bP[q];
      const rl = llen[t] - p - 1;
      if (rl === 0) continue;
      if (this.arenaTop + rl > this.UT.length) this.ensureArena(rl);
      const IT = this.IT;
      const UT = this.UT;
      const SU = this.SU;
      const us = lut[t] + p;
      const pu = lpu[t] + UT[us];
      const c = lcnt[t];
      const is = lit[t] + p + 1;
      const rs = us + 1;
      const top = this.arenaTop;
      let w = top;
      for (let j = 0; j < rl; j++) {
        const z = IT[is + j];
        if (nAlive[z] !== 0) {
          IT[w] = z;
          UT[w] = UT[rs + j];
          w++;
        }
      }
      const nl = w - top;
      if (nl === 0) continue;
      let dst = top;
      if (merging && nN > 0 && nlen[nN - 1] === nl) {
        const ps = nit[nN - 1];
        let same = true;
        for (let j = 0; j < nl; j++) {
          if (IT[ps + j] !== IT[top + j]) {
            same = false;
            break;
          }
        }
        if (same) {
          const pq = nN - 1;
          dst = nut[pq]; // compacted transactions own their utilities
          for (let j = 0; j < nl; j++) UT[dst + j] += UT[top + j];
          npu[pq] += pu;
          ncnt[pq] += c;
          merged++;
        }
      }
      let acc = 0;
      for (let x = dst + nl - 1; x >= dst; x--) {
        acc += UT[x];
        SU[x] = acc;
      }
      if (dst !== top) continue;
      nit[nN] = top;
      nut[nN] = top;
      nlen[nN] = nl;
      npu[nN] = pu;
      ncnt[nN] = c;
      nN++;
      N.n = nN;
      this.arenaTop = w;
    }
    return merged;
  }

  /** The itemsets found so far (copies). */
  result(): RawItemsets {
    const c = this.outCount;
    return {
      count: c,
      offsets: this.outOff.slice(0, c + 1),
      items: this.outItems.slice(0, this.outOff[c]),
      utility: this.outUtil.slice(0, c),
      support: this.outSup.slice(0, c),
    };
  }
}
