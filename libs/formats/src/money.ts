const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** Parses a decimal string exactly into a scaled bigint: "2.55" with scale 6 -> 2550000n. */
export function parseDecimal(text: string, scale: number): bigint | undefined {
  const match = DECIMAL.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > scale) {
    // More digits than the scale: round half up at the scale.
    const kept = BigInt(whole + fraction.slice(0, scale));
    const roundUp = Number(fraction[scale]) >= 5 ? 1n : 0n;
    return (sign === '-' ? -1n : 1n) * (kept + roundUp);
  }
  const value = BigInt(whole + fraction.padEnd(scale, '0'));
  return sign === '-' ? -value : value;
}

/** Divides a scaled amount down to cents, rounding half up (away from zero for the half). */
export function scaledToCents(amount: bigint, scale: number): bigint {
  if (scale < 2) return amount * 10n ** BigInt(2 - scale);
  const divisor = 10n ** BigInt(scale - 2);
  const negative = amount < 0n;
  const magnitude = negative ? -amount : amount;
  const cents = (magnitude * 2n + divisor) / (2n * divisor);
  return negative ? -cents : cents;
}

const SIMPLE_MONEY = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/;

/** Money text to integer cents, exact, round half up. Accepts numbers via their shortest decimal form. */
export function toCents(value: string | number): number | undefined {
  const text = typeof value === 'number' ? numberToDecimalText(value) : value;
  // Fast path for the common case (at most two decimals): plain integer arithmetic, still exact.
  const simple = text === undefined ? null : SIMPLE_MONEY.exec(text);
  if (simple) {
    const cents = Number(simple[2]) * 100 + Number((simple[3] ?? '').padEnd(2, '0'));
    return simple[1] ? -cents : cents;
  }
  if (text === undefined) return undefined;
  const scaled = parseDecimal(text, 8);
  if (scaled === undefined) return undefined;
  const cents = scaledToCents(scaled, 8);
  if (cents > BigInt(Number.MAX_SAFE_INTEGER) || cents < -BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(cents);
}

function numberToDecimalText(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined;
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // Exponent form (tiny or huge numbers): expand exactly.
  const [mantissa, exponentText] = text.toLowerCase().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const pointAt = mantissa.replace('-', '').indexOf('.') === -1 ? mantissa.replace('-', '').length : mantissa.replace('-', '').indexOf('.');
  const newPoint = pointAt + exponent;
  let out: string;
  if (newPoint <= 0) out = '0.' + '0'.repeat(-newPoint) + digits;
  else if (newPoint >= digits.length) out = digits + '0'.repeat(newPoint - digits.length);
  else out = digits.slice(0, newPoint) + '.' + digits.slice(newPoint);
  return (negative ? '-' : '') + out;
}
