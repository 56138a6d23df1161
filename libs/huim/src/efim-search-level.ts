/**
 * The storage of one level of EFIM's depth-first search (efim-miner.ts): a projected database
 * in flat typed arrays plus the item -> (transaction, position) bucket index of its Primary
 * items (the item-indexed pseudo-projection described in efim.ts).
 */

/** One level of the search: a projected database plus the bucket index of its Primary items. */
export class Level {
  n = 0;
  it: Int32Array; // item start in the arena IT
  ut: Int32Array; // utility start in the arenas UT / SU
  len: Int32Array;
  pu: Float64Array; // utility of the prefix in the transaction
  cnt: Int32Array; // source transactions merged into it
  /** Every item of every transaction is Secondary and SU holds valid suffix sums. */
  suf = false;
  // Primary items of this node (ascending rank) with their sub-tree utility, support and
  // number of projected transactions containing them.
  nPrim = 0;
  prim: Int32Array;
  primSu: Float64Array;
  primSup: Int32Array;
  primOcc: Int32Array;
  // Secondary items (alive[z] = 1), ascending in sec.
  alive: Uint8Array;
  nSec = 0;
  sec: Int32Array;
  // bucket index: for Primary item k, entries bStart[k] .. bEnd[k] of bT (transaction) / bP (position)
  bucketOf: Int32Array; // rank -> index in prim, valid when bucketTok[rank] === tok
  bucketTok: Int32Array;
  tok = 0;
  bStart: Int32Array;
  bEnd: Int32Array;
  bT: Int32Array;
  bP: Int32Array;

  /** Make room for n transactions (projections are grown on demand, not sized by the database). */
  ensure(n: number): void {
    if (n <= this.it.length) return;
    let cap = this.it.length * 2;
    while (cap < n) cap *= 2;
    this.it = new Int32Array(cap);
    this.ut = new Int32Array(cap);
    this.len = new Int32Array(cap);
    this.pu = new Float64Array(cap);
    this.cnt = new Int32Array(cap);
  }

  constructor(cap: number, m: number) {
    this.it = new Int32Array(cap);
    this.ut = new Int32Array(cap);
    this.len = new Int32Array(cap);
    this.pu = new Float64Array(cap);
    this.cnt = new Int32Array(cap);
    this.prim = new Int32Array(m);
    this.primSu = new Float64Array(m);
    this.primSup = new Int32Array(m);
    this.primOcc = new Int32Array(m);
    this.alive = new Uint8Array(m);
    this.sec = new Int32Array(m);
    this.bucketOf = new Int32Array(m);
    this.bucketTok = new Int32Array(m);
    this.bStart = new Int32Array(m);
    this.bEnd = new Int32Array(m);
    this.bT = new Int32Array(16);
    this.bP = new Int32Array(16);
  }
}
