/**
 * Limits on the shape of JSON request bodies, checked on the raw bytes before JSON.parse:
 * nesting depth (deep bodies overflowed the stack of the validation that walks them and
 * answered 500) and keys that name the prototype machinery (`__proto__`, `constructor`,
 * `prototype`: JSON.parse makes them own properties that pass whitelists and schemas, and
 * object copies turn `__proto__` into a prototype). One linear scan, no recursion.
 */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A refused body: body-parser forwards it as a 400 with this message. */
export class JsonShapeError extends Error {
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;
  readonly type = 'entity.verify.failed';
  constructor(
    message: string,
    /** The offending field's path, e.g. `body.items[2].__proto__`, or `body` for depth. */
    readonly field: string,
  ) {
    super(message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Throws a {@link JsonShapeError} when `raw` nests deeper than `maxDepth` or holds a forbidden key. Syntax errors are left to JSON.parse. */
export function checkJsonShape(raw: Uint8Array, maxDepth: number): void {
  // the path to the current value: one entry per open container (key for objects, index for arrays)
  const path: (string | number)[] = [];
  const kinds: number[] = []; // 0x7b '{' or 0x5b '['
  const where = (extra?: string | number) => {
    let text = 'body';
    for (const part of extra === undefined ? path : [...path.slice(0, -1), extra]) text += typeof part === 'number' ? `[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part)}]`;
    return text;
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === QUOTE) {
      const start = i + 1;
      let escaped = false;
      for (i = start; i < raw.length; i++) {
        const s = raw[i];
        if (s === BACKSLASH) {
          escaped = true;
          i++;
        } else if (s === QUOTE) break;
      }
      if (kinds[kinds.length - 1] !== 0x7b) continue;
      // a string inside an object is a key when a colon follows it
      let j = i + 1;
      while (j < raw.length && (raw[j] === 0x20 || raw[j] === 0x09 || raw[j] === 0x0a || raw[j] === 0x0d)) j++;
      if (raw[j] !== 0x3a) continue;
      const bytes = raw.subarray(start, i);
      let key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      if (escaped) {
        try {
          key = JSON.parse(`"${key}"`) as string;
        } catch {
          continue; // a syntax error: JSON.parse reports it
        }
      }
      path[path.length - 1] = key;
      if (FORBIDDEN_KEYS.has(key)) throw new JsonShapeError(`${where()}: the key "${key}" is not allowed in a request body`, where());
    } else if (c === 0x7b || c === 0x5b) {
      if (kinds.length >= maxDepth) throw new JsonShapeError(`${where()}: the body nests deeper than ${maxDepth} levels`, where());
      kinds.push(c);
      path.push(c === 0x5b ? 0 : '');
    } else if (c === 0x7d || c === 0x5d) {
      kinds.pop();
      path.pop();
    } else if (c === 0x2c && kinds[kinds.length - 1] === 0x5b) {
      (path[path.length - 1] as number)++;
    }
  }
}

/** body-parser's `verify` hook running {@link checkJsonShape}. */
export function jsonShapeVerifier(maxDepth: number) {
  return (_request: unknown, _response: unknown, raw: Buffer): void => checkJsonShape(raw, maxDepth);
}
