/**
 * Reader and writer for the SPMF utility format:
 *   `item item ...:transactionUtility:utility utility ...`
 * one transaction per line. Accepts LF or CRLF line ends, trailing spaces/tabs,
 * runs of spaces between numbers; skips blank lines and SPMF comment/metadata lines
 * (starting with `#`, `%` or `@`). Checks that the transaction utility equals the
 * sum of the item utilities and reports the 1-based line number on any error.
 */
import { readFileSync } from 'node:fs';
import { DatabaseBuilder, ItemDictionary, UtilityDatabase } from './database';

export class SpmfParseError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`SPMF line ${line}: ${reason}`);
    this.name = 'SpmfParseError';
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;
const ZERO = 0x30;
const NINE = 0x39;

/** Read an SPMF utility file (path) or its bytes (Buffer / Uint8Array / string content). */
export function readSpmf(source: string | Uint8Array, options: { dictionary?: ItemDictionary; isContent?: boolean } = {}): UtilityDatabase {
  let buf: Uint8Array;
  if (typeof source === 'string') buf = options.isContent ? Buffer.from(source, 'utf8') : readFileSync(source);
  else buf = source;
  return parseSpmfBytes(buf, options.dictionary ?? new ItemDictionary());
}

function parseSpmfBytes(buf: Uint8Array, dictionary: ItemDictionary): UtilityDatabase {
  const builder = new DatabaseBuilder(dictionary);
  // Small external ids are looked up in a fixed-size direct table, others in a Map.
  const DIRECT = 1 << 16;
  const direct = new Int32Array(DIRECT); // dense id + 1, 0 = not yet seen
  for (let d = 0; d < dictionary.size; d++) {
    const k = dictionary.keyOf(d);
    if (typeof k === 'number' && Number.isInteger(k) && k >= 0 && k < DIRECT) direct[k] = d + 1;
  }
  let ids = new Int32Array(256);
  let utils = new Float64Array(256);
  const n = buf.length;
  let pos = 0;
  let line = 0;
  while (pos < n) {
    line++;
    // find line end (native search)
    let end = buf.indexOf(LF, pos);
    if (end < 0) end = n;
    const next = end + 1;
    // trim trailing CR / spaces / tabs
    while (end > pos && (buf[end - 1] === CR || buf[end - 1] === SPACE || buf[end - 1] === TAB)) end--;
    // skip leading spaces
    let p = pos;
    while (p < end && (buf[p] === SPACE || buf[p] === TAB)) p++;
    pos = next;
    if (p >= end) continue; // blank line
    const first = buf[p];
    if (first === 0x23 /* # */ || first === 0x25 /* % */ || first === 0x40 /* @ */) continue;

    // --- items ---
    let k = 0;
    for (;;) {
      while (p < end && (buf[p] === SPACE || buf[p] === TAB)) p++;
      if (p >= end) throw new SpmfParseError(line, 'missing ":" after the items');
      if (buf[p] === COLON) {
        p++;
        break;
      }
      let v = 0;
      const s = p;
      while (p < end) {
        const c = buf[p];
        if (c < ZERO || c > NINE) break;
        v = v * 10 + (c - ZERO);
        p++;
      }
      if (p === s) throw new SpmfParseError(line, `unexpected character ${JSON.stringify(String.fromCharCode(buf[p]))} in the items`);
      if (!Number.isSafeInteger(v)) throw new SpmfParseError(line, 'item id too large');
      if (k === ids.length) {
        const a = new Int32Array(k * 2);
        a.set(ids);
        ids = a;
        const b = new Float64Array(k * 2);
        b.set(utils);
        utils = b;
      }
      let d: number;
      if (v < DIRECT) {
        d = direct[v] - 1;
        if (d < 0) {
          d = dictionary.intern(v);
          direct[v] = d + 1;
        }
      } else d = dictionary.intern(v);
      ids[k++] = d;
    }
    if (k === 0) throw new SpmfParseError(line, 'no items');
    // --- transaction utility ---
    while (p < end && (buf[p] === SPACE || buf[p] === TAB)) p++;
    let tu = 0;
    {
      const s = p;
      while (p < end) {
        const c = buf[p];
        if (c < ZERO || c > NINE) break;
        tu = tu * 10 + (c - ZERO);
        p++;
      }
      if (p === s) throw new SpmfParseError(line, 'missing or invalid transaction utility');
      while (p < end && (buf[p] === SPACE || buf[p] === TAB)) p++;
      if (p >= end || buf[p] !== COLON) throw new SpmfParseError(line, 'missing ":" after the transaction utility');
      p++;
    }
    // --- utilities ---
    let j = 0;
    let sum = 0;
    for (;;) {
      while (p < end && (buf[p] === SPACE || buf[p] === TAB)) p++;
      if (p >= end) break;
      let v = 0;
      const s = p;
      while (p < end) {
        const c = buf[p];
        if (c < ZERO || c > NINE) break;
        v = v * 10 + (c - ZERO);
        p++;
      }
      if (p === s) {
        const c = buf[p];
        throw new SpmfParseError(line, c === 0x2d ? 'negative utilities are not supported' : `unexpected character ${JSON.stringify(String.fromCharCode(c))} in the utilities`);
      }
      if (j >= k) throw new SpmfParseError(line, `more utilities than items (${k} items)`);
      utils[j++] = v;
      sum += v;
    }
    if (j !== k) throw new SpmfParseError(line, `${k} items but ${j} utilities`);
    if (!Number.isSafeInteger(tu) || !Number.isSafeInteger(sum)) throw new SpmfParseError(line, 'utility too large');
    if (sum !== tu) throw new SpmfParseError(line, `transaction utility ${tu} differs from the sum of the item utilities ${sum}`);
    builder.addDense(ids, utils, k);
  }
  return builder.build();
}

/**
 * Format one itemset in SPMF output style: `1 2 3 #UTIL: 42` (plus optional extra fields).
 */
export function formatSpmfLine(items: readonly (string | number)[], utility: number, extra = ''): string {
  return `${items.join(' ')} #UTIL: ${utility}${extra}`;
}
