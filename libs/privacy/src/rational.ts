/**
 * Exact non-negative/signed rationals on bigint.
 *
 * The samplers of Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential
 * Privacy" (NeurIPS 2020, arXiv:2004.00010) are exact only if every parameter is an exact
 * rational. This module converts user input to such rationals without rounding:
 *   - a JavaScript number is a binary64 value, i.e. an exact dyadic rational m·2^e; it is
 *     decomposed bit-for-bit (no decimal printing / parsing),
 *   - a decimal string such as "0.1" or "2.5e-3" is read as the exact decimal it denotes
 *     (1/10, not the nearest double),
 *   - "p/q" strings, bigints and `{ num, den }` objects are taken as given.
 * Every result is reduced (gcd(num, den) = 1) with den > 0.
 */

/** An exact rational number num/den with den > 0, reduced. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

/** Anything `toRational` accepts. */
export type RationalLike = number | bigint | string | { num: bigint | number; den: bigint | number };

export function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Builds a reduced rational; throws on a zero denominator. */
export function rational(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new RangeError('rational: zero denominator');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den);
  return g > 1n ? { num: num / g, den: den / g } : { num, den };
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The exact value of a finite double as a reduced rational (a double is m·2^e exactly). */
export function fromNumber(x: number): Rational {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  if (Number.isInteger(x) && Number.isSafeInteger(x)) return { num: BigInt(x), den: 1n };
  F64[0] = x;
  const lo = U32[LITTLE_ENDIAN ? 0 : 1];
  const hi = U32[LITTLE_ENDIAN ? 1 : 0];
  const sign = hi >>> 31 ? -1n : 1n;
  const biasedExp = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: bigint;
  if (biasedExp === 0) {
    exp = -1074n; // subnormal: value = mantissa · 2^-1074
  } else {
    mantissa |= 1n << 52n;
    exp = BigInt(biasedExp) - 1075n;
  }
  if (mantissa === 0n) return { num: 0n, den: 1n };
  return exp >= 0n ? { num: sign * (mantissa << exp), den: 1n } : rational(sign * mantissa, 1n << -exp);
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const FRACTION = /^([+-]?\d+)\s*\/\s*(\d+)$/;

/** Parses "12", "-0.125", "2.5e-3" or "1/3" exactly. */
export function parseRational(text: string): Rational {
  const s = text.trim();
  const f = FRACTION.exec(s);
  if (f) return rational(BigInt(f[1]), BigInt(f[2]));
  const m = DECIMAL.exec(s);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3] === ''))) throw new RangeError(`not a number: "${text}"`);
  const intPart = m[2] || '0';
  const fracPart = m[3] ?? '';
  const exp = BigInt(m[4] ?? '0') - BigInt(fracPart.length);
  let num = BigInt(intPart + fracPart);
  if (m[1] === '-') num = -num;
  if (exp > 4096n || exp < -4096n) throw new RangeError(`exponent out of range: "${text}"`);
  return exp >= 0n ? rational(num * 10n ** exp, 1n) : rational(num, 10n ** -exp);
}

/** Converts any accepted representation to an exact reduced rational. */
export function toRational(x: RationalLike): Rational {
  if (typeof x === 'number') return fromNumber(x);
  if (typeof x === 'bigint') return { num: x, den: 1n };
  if (typeof x === 'string') return parseRational(x);
  if (x && typeof x === 'object' && 'num' in x && 'den' in x) {
    const num = typeof x.num === 'number' ? BigInt(checkedInt(x.num)) : x.num;
    const den = typeof x.den === 'number' ? BigInt(checkedInt(x.den)) : x.den;
    if (typeof num !== 'bigint' || typeof den !== 'bigint') throw new TypeError('rational: num and den must be integers');
    return rational(num, den);
  }
  throw new TypeError(`cannot convert ${String(x)} to a rational`);
}

function checkedInt(v: number): number {
  if (!Number.isSafeInteger(v)) throw new RangeError(`not a safe integer: ${v}`);
  return v;
}

export function mul(a: Rational, b: Rational): Rational {
  return rational(a.num * b.num, a.den * b.den);
}

export function div(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new RangeError('rational: division by zero');
  return rational(a.num * b.den, a.den * b.num);
}

export function add(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}

/** -1, 0 or 1. */
export function compare(a: Rational, b: Rational): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** floor(a) as a bigint. */
export function floor(a: Rational): bigint {
  const q = a.num / a.den; // truncates toward zero
  return a.num < 0n && q * a.den !== a.num ? q - 1n : q;
}

/** floor(sqrt(n)) for n >= 0, exact (Newton iteration on bigint). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number');
  if (n < 2n) return n;
  if (n < 1n << 52n) {
    // sqrt of a double is correctly rounded; fix up the possible off-by-one.
    let r = BigInt(Math.floor(Math.sqrt(Number(n))));
    while (r * r > n) r -= 1n;
    while ((r + 1n) * (r + 1n) <= n) r += 1n;
    return r;
  }
  let x = 1n << BigInt((n.toString(2).length >> 1) + 1); // x >= sqrt(n)
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** floor(sqrt(a)) for a rational a >= 0: floor(sqrt(x)) = floor(sqrt(floor(x))). */
export function floorSqrt(a: Rational): bigint {
  if (a.num < 0n) throw new RangeError('floorSqrt of a negative number');
  return isqrt(a.num / a.den);
}

/** Nearest double (for display and floating-point accounting only, never for sampling). */
export function toNumber(a: Rational): number {
  const n = Number(a.num);
  const d = Number(a.den);
  if (Number.isFinite(n) && Number.isFinite(d) && Math.abs(n) <= 2 ** 53 && d <= 2 ** 53) return n / d;
  // Scale both to ~64 significant bits so huge numerators/denominators don't overflow.
  const shift = BigInt(Math.max(0, a.den.toString(2).length - 64));
  const shiftN = BigInt(Math.max(0, (a.num < 0n ? -a.num : a.num).toString(2).length - 64));
  return (Number(a.num >> shiftN) / Number(a.den >> shift)) * 2 ** Number(shiftN - shift);
}

export function isPositive(a: Rational): boolean {
  return a.num > 0n;
}

export function formatRational(a: Rational): string {
  return a.den === 1n ? a.num.toString() : `${a.num}/${a.den}`;
}
