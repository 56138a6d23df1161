/**
 * Fuzz suite for every file parser (issue 11): random and adversarial files, cut into random
 * chunks. Properties: a parser never throws anything but a FileFormatError (the upload is then
 * refused whole); every transaction it yields is storable (non-empty lines, safe-integer cents,
 * a positive quantity, an id); every error names a line inside the file; and the events do not
 * depend on where the chunks were cut.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FILE_FORMATS, FileFormatError, parseTransactions, type FileFormat, type ParseEvent } from './index';

async function events(chunks: Buffer[], format: FileFormat): Promise<{ events: ParseEvent[]; refused?: FileFormatError }> {
  async function* source() {
    for (const chunk of chunks) yield chunk;
  }
  const out: ParseEvent[] = [];
  try {
    for await (const event of parseTransactions(source(), format, { idPrefix: 'f-' })) out.push(event);
  } catch (error) {
    if (error instanceof FileFormatError) return { events: out, refused: error };
    throw error;
  }
  return { events: out };
}

/** Cuts a buffer at the given fractions (also inside multi-byte characters). */
function cut(buffer: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * buffer.length)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(buffer.subarray(from, p));
    from = p;
  }
  parts.push(buffer.subarray(from));
  return parts;
}

const fragments = fc.constantFrom(
  ',', ';', ':', '|', '"', '""', '\n', '\r\n', '\r', ' ', '\t', '[', ']', '{', '}', '\\', '-', '.', '0', '1', '9', '1e308', '-1', '0.005', '99999999999999999999',
  'items,quantities,unit_utilities', 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country', 'C536365', '12/1/2010 8:26',
  '{"items":["a"],"quantities":[1],"unit_utilities":[1]}', '"__proto__"', 'é', '😀', '\u0000', '\ufeff', 'null', 'true',
);
const fileText = fc.oneof(fc.array(fragments, { maxLength: 60 }).map((parts) => parts.join('')), fc.string({ unit: 'binary', maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')));

const numberText = fc.oneof(fc.nat({ max: 1000 }).map(String), fc.constantFrom('0', '-1', '1.5', '2.005', '1e3', '99999999999999999999', '9007199254740993', '0.0000001', '', ' 7 ', 'NaN', '1,5'), fc.double().map(String));
const sku = fc.oneof(fc.constantFrom('A', 'B', '85123A', 'é', '"q"', ''), fc.string({ maxLength: 4 }));
/** Files that look like each format, with random (often hostile) values in every field. */
const nearlyValid: Record<FileFormat, fc.Arbitrary<string>> = {
  'seed-csv': fc
    .array(fc.tuple(fc.array(sku, { minLength: 1, maxLength: 3 }), fc.array(numberText, { minLength: 1, maxLength: 3 }), fc.array(numberText, { minLength: 1, maxLength: 3 })), { maxLength: 8 })
    .map((rows) => ['items,quantities,unit_utilities', ...rows.map(([a, b, c]) => `${a.join('|')},${b.join('|')},${c.join('|')}`)].join('\n')),
  'seed-json': fc
    .array(fc.tuple(fc.array(sku, { minLength: 1, maxLength: 3 }), fc.array(fc.oneof(fc.double(), fc.integer(), numberText), { minLength: 1, maxLength: 3 }), fc.array(fc.oneof(fc.double(), numberText), { minLength: 1, maxLength: 3 })), { maxLength: 6 })
    .map((rows) => JSON.stringify(rows.map(([items, quantities, units]) => ({ items, quantities, unit_utilities: units })), null, 1)),
  'lineitem-csv': fc
    .array(fc.tuple(fc.constantFrom('536365', 'C536366', '536367', ''), sku, numberText, fc.constantFrom('12/1/2010 8:26', '2010-12-01 08:26:00', '31/31/2010 99:99', '2/29/2011 10:00', ''), numberText, fc.constantFrom('17850', '', 'x')), { maxLength: 10 })
    .map((rows) => ['InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country', ...rows.map(([inv, code, q, date, price, customer]) => `${inv},${code},Item,${q},${date},${price},${customer},United Kingdom`)].join('\n')),
  spmf: fc
    .array(fc.tuple(fc.array(fc.oneof(fc.nat({ max: 20 }).map(String), numberText), { minLength: 1, maxLength: 4 }), numberText, fc.array(numberText, { minLength: 1, maxLength: 4 })), { maxLength: 8 })
    .map((rows) => rows.map(([items, total, utilities]) => `${items.join(' ')}:${total}:${utilities.join(' ')}`).join('\n')),
};

function assertStorable(parsed: ParseEvent[], lineCount: number): void {
  for (const event of parsed) {
    if (event.kind === 'error') {
      assert.ok(Number.isInteger(event.error.line) && event.error.line >= 1 && event.error.line <= lineCount + 1, `error line ${event.error.line} of ${lineCount}`);
      assert.ok(event.error.field.length > 0 && event.error.reason.length > 0);
      continue;
    }
    const t = event.transaction;
    assert.ok(t.transactionId.length > 0);
    assert.ok(t.lines.length > 0, 'a transaction has lines');
    for (const line of t.lines) {
      assert.ok(line.sku.length > 0);
      assert.ok(Number.isSafeInteger(line.quantity) && line.quantity > 0, `quantity ${line.quantity}`);
      assert.ok(Number.isSafeInteger(line.utilityCents), `utility ${line.utilityCents}`);
    }
    if (t.occurredAt !== undefined) assert.ok(!Number.isNaN(new Date(t.occurredAt).getTime()), `occurredAt ${t.occurredAt}`);
  }
}

for (const format of FILE_FORMATS) {
  test(`fuzz ${format}: only FileFormatError escapes, every transaction is storable, chunking does not matter`, async () => {
    await fc.assert(
      fc.asyncProperty(fileText, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 5 }), async (text, cuts) => {
        const buffer = Buffer.from(text, 'utf8');
        const whole = await events([buffer], format);
        const pieces = await events(cut(buffer, cuts), format);
        assertStorable(whole.events, text.split('\n').length);
        assert.deepEqual(pieces.events, whole.events);
        assert.equal(pieces.refused?.message, whole.refused?.message);
      }),
      { numRuns: 150 },
    );
  });

  test(`fuzz ${format}: nearly valid files with hostile values yield only storable transactions`, async () => {
    await fc.assert(
      fc.asyncProperty(nearlyValid[format], fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }), async (text, cuts) => {
        const buffer = Buffer.from(text, 'utf8');
        const whole = await events([buffer], format);
        assertStorable(whole.events, text.split('\n').length);
        assert.deepEqual((await events(cut(buffer, cuts), format)).events, whole.events);
      }),
      { numRuns: 200 },
    );
  });
}

test('a file without line breaks is refused whole instead of being held in memory', async () => {
  for (const format of FILE_FORMATS) {
    const huge = Buffer.alloc(1_200_000, format === 'seed-json' ? 0x20 : 0x41);
    const input = format === 'seed-json' ? Buffer.concat([Buffer.from('[{"items":"'), Buffer.alloc(1_200_000, 0x41)]) : huge;
    const result = await events([input.subarray(0, 600_000), input.subarray(600_000)], format);
    assert.ok(result.refused instanceof FileFormatError, `${format} refuses it`);
    assert.match(result.refused!.message, /longer than 1000000 characters/);
  }
});

test('an unclosed quote in a CSV is refused once it runs past 10,000 lines', async () => {
  const text = 'items,quantities,unit_utilities\n"A' + '\nmore'.repeat(10_050);
  const result = await events([Buffer.from(text)], 'seed-csv');
  assert.ok(result.refused instanceof FileFormatError);
  assert.match(result.refused!.message, /line 2: a quoted field opened here is not closed/);
});
