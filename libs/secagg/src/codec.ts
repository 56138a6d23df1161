/**
 * Deterministic binary encoding of protocol messages (plain objects whose leaves are strings,
 * safe integers, booleans, Uint8Array and Uint32Array, nested in arrays and objects).
 *
 * Layout (all lengths/counts are u32 big-endian):
 *
 *   message  := "TSA1" value
 *   value    := 0x01 f64-BE              safe integer (number)
 *             | 0x02 len utf8            string
 *             | 0x03 len bytes           Uint8Array
 *             | 0x04 count u32-LE×count  Uint32Array (little-endian words)
 *             | 0x05 count value×count   array
 *             | 0x06 count (key value)×count   object; key := len utf8, keys strictly ascending
 *             | 0x07 | 0x08             true | false
 *
 * Object keys are emitted in ascending code-unit order and decoding rejects any other order or
 * duplicates, so every value has exactly one encoding. The same canonical bytes (minus the `sig`
 * field) are what clients sign, hence signatures survive a round-trip through the codec.
 */
import { endianness } from 'node:os';
import { SecAggError } from './errors';

const MAGIC = [0x54, 0x53, 0x41, 0x31]; // "TSA1"
const MAX_DEPTH = 8;
const LE = endianness() === 'LE';

export type Encodable = string | number | boolean | Uint8Array | Uint32Array | readonly Encodable[] | { readonly [k: string]: Encodable | undefined };

class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.size += b.length;
  }
  u8(v: number): void {
    this.push(Uint8Array.of(v));
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    this.push(b);
  }
  finish(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.chunks, this.size));
  }
}

function writeValue(w: Writer, v: Encodable, depth: number): void {
  if (depth > MAX_DEPTH) throw new SecAggError('MALFORMED', 'value nested too deeply');
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new SecAggError('MALFORMED', `only safe integers are encodable, got ${v}`);
    if (Object.is(v, -0)) v = 0;
    const b = Buffer.alloc(9);
    b[0] = 0x01;
    b.writeDoubleBE(v, 1);
    w.push(b);
  } else if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    w.u8(0x02);
    w.u32(b.length);
    w.push(b);
  } else if (typeof v === 'boolean') {
    w.u8(v ? 0x07 : 0x08);
  } else if (v instanceof Uint8Array) {
    w.u8(0x03);
    w.u32(v.length);
    w.push(v);
  } else if (v instanceof Uint32Array) {
    w.u8(0x04);
    w.u32(v.length);
    if (LE) w.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice());
    else {
      const b = Buffer.alloc(v.length * 4);
      for (let i = 0; i < v.length; i++) b.writeUInt32LE(v[i], i * 4);
      w.push(b);
    }
  } else if (Array.isArray(v)) {
    w.u8(0x05);
    w.u32(v.length);
    for (const x of v) writeValue(w, x as Encodable, depth + 1);
  } else if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort();
    w.u8(0x06);
    w.u32(keys.length);
    for (const k of keys) {
      const kb = Buffer.from(k, 'utf8');
      w.u32(kb.length);
      w.push(kb);
      writeValue(w, (v as Record<string, Encodable>)[k], depth + 1);
    }
  } else {
    throw new SecAggError('MALFORMED', `unencodable value of type ${v === null ? 'null' : typeof v}`);
  }
}

/** Canonical bytes of a value, without the magic header. */
export function canonicalBytes(v: Encodable): Uint8Array {
  const w = new Writer();
  writeValue(w, v, 0);
  return w.finish();
}

export function encode(v: Encodable): Uint8Array {
  const w = new Writer();
  w.push(Uint8Array.from(MAGIC));
  writeValue(w, v, 0);
  return w.finish();
}

class Reader {
  off = 0;
  constructor(private readonly b: Buffer) {}
  need(n: number): void {
    if (this.off + n > this.b.length) throw new SecAggError('MALFORMED', 'truncated message');
  }
  u8(): number {
    this.need(1);
    return this.b[this.off++];
  }
  u32(): number {
    this.need(4);
    const v = this.b.readUInt32BE(this.off);
    this.off += 4;
    return v;
  }
  bytes(n: number): Buffer {
    this.need(n);
    const out = this.b.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }
  get remaining(): number {
    return this.b.length - this.off;
  }
}

function readValue(r: Reader, depth: number): Encodable {
  if (depth > MAX_DEPTH) throw new SecAggError('MALFORMED', 'value nested too deeply');
  const tag = r.u8();
  switch (tag) {
    case 0x01: {
      const v = r.bytes(8).readDoubleBE(0);
      if (!Number.isSafeInteger(v) || Object.is(v, -0)) throw new SecAggError('MALFORMED', 'number is not a canonical safe integer');
      return v;
    }
    case 0x02:
      return decodeUtf8(r.bytes(r.u32()));
    case 0x03:
      return new Uint8Array(r.bytes(r.u32()));
    case 0x04: {
      const count = r.u32();
      if (count > r.remaining / 4) throw new SecAggError('MALFORMED', 'truncated message');
      const b = r.bytes(count * 4);
      const out = new Uint32Array(count);
      if (LE) new Uint8Array(out.buffer).set(b);
      else for (let i = 0; i < count; i++) out[i] = b.readUInt32LE(i * 4);
      return out;
    }
    case 0x05: {
      const count = r.u32();
      if (count > r.remaining) throw new SecAggError('MALFORMED', 'truncated message');
      const out: Encodable[] = [];
      for (let i = 0; i < count; i++) out.push(readValue(r, depth + 1));
      return out;
    }
    case 0x06: {
      const count = r.u32();
      if (count > r.remaining) throw new SecAggError('MALFORMED', 'truncated message');
      const out: Record<string, Encodable> = Object.create(null);
      let prev: string | undefined;
      for (let i = 0; i < count; i++) {
        const k = decodeUtf8(r.bytes(r.u32()));
        if (prev !== undefined && !(prev < k)) throw new SecAggError('MALFORMED', 'object keys not in canonical order');
        if (k === '__proto__') throw new SecAggError('MALFORMED', 'forbidden key');
        prev = k;
        out[k] = readValue(r, depth + 1);
      }
      return { ...out };
    }
    case 0x07:
      return true;
    case 0x08:
      return false;
    default:
      throw new SecAggError('MALFORMED', `unknown value tag 0x${tag.toString(16)}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function decodeUtf8(b: Uint8Array): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new SecAggError('MALFORMED', 'invalid UTF-8');
  }
}

export function decode(bytes: Uint8Array): Encodable {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 4 || MAGIC.some((m, i) => b[i] !== m)) throw new SecAggError('MALFORMED', 'bad magic (expected "TSA1")');
  const r = new Reader(b);
  r.off = 4;
  const v = readValue(r, 0);
  if (r.remaining !== 0) throw new SecAggError('MALFORMED', 'trailing bytes after message');
  return v;
}
