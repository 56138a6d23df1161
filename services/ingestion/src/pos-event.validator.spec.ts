import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { toCents } from '@tessera/formats';
import { centsOf, isPlainValidEvent, PosEventValidator, prototypeKeyPath } from './pos-event.validator';

const validator = new PosEventValidator('unit-test-customer-key-0123456789');
const valid = { transactionId: 't-1', storeId: 'store-1', occurredAt: '2024-05-01T10:00:00Z', customerId: 'c-9', lines: [{ sku: 'A', quantity: 2, unitPrice: 1.25 }] };
const check = (payload: unknown, key: string | null = null) => validator.check(Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)), key);

test('issue 11: __proto__, constructor and prototype keys are refused with their path', () => {
  const withKey = (where: 'top' | 'line', key: string) => {
    const text = JSON.stringify(valid);
    return where === 'top' ? text.replace('{"transactionId"', `{"${key}":{"storeId":"other"},"transactionId"`) : text.replace('{"sku"', `{"${key}":{"quantity":1},"sku"`);
  };
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    const top = check(withKey('top', key));
    assert.equal(top.ok, false);
    assert.equal(!top.ok && top.fieldPath, `/${key}`);
    const line = check(withKey('line', key));
    assert.equal(!line.ok && line.fieldPath, `/lines/0/${key}`);
  }
  assert.equal(prototypeKeyPath(JSON.parse('{"a":[{"b":{"__proto__":1}}]}')), '/a/0/b/__proto__');
  assert.equal(prototypeKeyPath({ name: '__proto__' }), undefined);
});

test('a leap second and a basket over 2^53 cents are refused, not thrown', () => {
  const leap = check({ ...valid, occurredAt: '2016-12-31T23:59:60Z' });
  assert.equal(!leap.ok && leap.fieldPath, '/occurredAt');
  const lines = Array.from({ length: 5000 }, (_, i) => ({ sku: `s${i}`, quantity: 1_000_000, unitPrice: 10_000_000 }));
  const huge = check({ ...valid, lines });
  assert.equal(!huge.ok && huge.fieldPath, '/lines');
  assert.equal(check(valid).ok, true);
});

/** Random values where a field should be, and random extra or missing fields. */
const anyJson = fc.jsonValue({ maxDepth: 3 });
const mutated = fc.record({
  field: fc.constantFrom('transactionId', 'storeId', 'occurredAt', 'customerId', 'lines', 'extra', '__proto__'),
  lineField: fc.constantFrom('sku', 'quantity', 'unitPrice', 'unitProfit', 'name', 'constructor'),
  value: fc.oneof(anyJson, fc.constantFrom(1e308, -0, 1e-7, 2 ** 53, '2016-12-31T23:59:60Z', '9999-12-31T23:59:59Z', '', 'x'.repeat(600))),
  where: fc.constantFrom('top', 'line', 'drop'),
});

test('property (fuzz): the validator never throws; an accepted event is storable, a refused one names a field', () => {
  fc.assert(
    fc.property(fc.oneof(mutated.map((m) => ({ m })), anyJson.map((raw) => ({ raw })), fc.string().map((text) => ({ text }))), fc.option(fc.constantFrom('store-1', 'other'), { nil: null }), (input, key) => {
      let payload: string;
      if ('text' in input) payload = input.text;
      else if ('raw' in input) payload = JSON.stringify(input.raw) ?? 'null';
      else {
        const event = JSON.parse(JSON.stringify(valid));
        const { field, lineField, value, where } = input.m;
        if (where === 'top') Object.defineProperty(event, field, { value, enumerable: true, configurable: true, writable: true });
        else if (where === 'line') Object.defineProperty(event.lines[0], lineField, { value, enumerable: true, configurable: true, writable: true });
        else delete event[field];
        payload = JSON.stringify(event);
      }
      const result = validator.check(Buffer.from(payload), key);
      if (result.ok) {
        const r = result.record;
        assert.ok(!Number.isNaN(new Date(r.occurredAt).getTime()));
        assert.ok(r.lines.length > 0);
        let total = 0;
        for (const line of r.lines) {
          assert.ok(Number.isSafeInteger(line.quantity) && line.quantity > 0);
          assert.ok(Number.isSafeInteger(line.utilityCents));
          total += line.utilityCents;
        }
        assert.ok(Number.isSafeInteger(total));
        assert.equal(prototypeKeyPath(JSON.parse(payload)), undefined);
        if (key !== null) assert.equal(r.storeId, key);
      } else {
        assert.equal(typeof result.fieldPath, 'string');
        assert.ok(result.reason.length > 0);
      }
    }),
    { numRuns: 1500 },
  );
});

/** The schema through Ajv alone, as the validator used it for every event before the hand-written check. */
const ajv = new Ajv2020({ allErrors: false, strict: true });
addFormats(ajv);
const schemaCheck = ajv.compile(JSON.parse(readFileSync(join(__dirname, '../../../schemas/pos-transaction.v1.schema.json'), 'utf8')));

test('issue 16: the hand-written check never accepts what the schema refuses (random events near every bound)', () => {
  const text = fc.oneof(fc.string({ maxLength: 3 }), fc.string({ minLength: 120, maxLength: 140 }), fc.string({ unit: 'grapheme', minLength: 60, maxLength: 140 }), fc.string({ minLength: 250, maxLength: 520 }), fc.constant(''));
  const num = fc.oneof(fc.double(), fc.integer({ min: -2, max: 3 }), fc.constantFrom(0, -0, 1, 1_000_000, 1_000_001, 10_000_000, 10_000_000.5, -10_000_000, -10_000_001, 0.5, Number.MAX_VALUE, 1e400));
  const value = fc.oneof(text, num, fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({}));
  const time = fc.oneof(fc.constantFrom('2024-05-01T10:00:00Z', '2024-05-01T10:00:00.123+02:00', '2024-05-01t10:00:00z', '2024-05-01 10:00:00Z', '2024-02-30T10:00:00Z', '2024-05-01T10:00:00', '2016-12-31T23:59:60Z', '2024-05-01T24:00:00Z'), fc.string());
  const line = fc.record(
    { sku: fc.oneof(text, value), name: fc.oneof(text, value), quantity: fc.oneof(num, value), unitPrice: fc.oneof(num, value), unitProfit: fc.oneof(num, value), extra: value },
    { requiredKeys: [] },
  );
  const event = fc.record(
    { transactionId: fc.oneof(text, value), storeId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,66}$/), value), occurredAt: fc.oneof(time, value), customerId: fc.oneof(text, value), lines: fc.oneof(fc.array(line, { maxLength: 4 }), value), extra: value },
    { requiredKeys: [] },
  );
  // A valid event with one field (top level or of a line) set to a value near its bound.
  const nearlyValid = fc
    .record({ top: fc.boolean(), field: fc.constantFrom('transactionId', 'storeId', 'occurredAt', 'customerId', 'sku', 'name', 'quantity', 'unitPrice', 'unitProfit'), value: fc.oneof(text, num, time, value) })
    .map(({ top, field, value: v }) => (top ? { ...valid, [field]: v } : { ...valid, lines: [{ sku: 'A', quantity: 2, unitPrice: 1.25, [field]: v }] }));
  let accepted = 0;
  fc.assert(
    fc.property(fc.oneof(event, nearlyValid), (e) => {
      const parsed: unknown = JSON.parse(JSON.stringify(e));
      if (isPlainValidEvent(parsed)) {
        accepted++;
        assert.equal(schemaCheck(parsed), true, JSON.stringify(parsed));
      }
    }),
    { numRuns: 20_000 },
  );
  // The generator must reach the accepting side too, or the comparison proves nothing.
  assert.ok(accepted > 0);
  const [refused, extra] = [{ ...valid, lines: [{ sku: 'A', quantity: 1.5, unitPrice: 1 }] }, { ...valid, note: 'x' }];
  assert.equal(isPlainValidEvent(valid), true);
  assert.equal(isPlainValidEvent(refused), false);
  assert.equal(isPlainValidEvent(extra), false);
});

test('issue 16: events the hand-written check leaves to Ajv get the same answer as before (astral characters at the length bound)', () => {
  // 128 astral characters are 256 UTF-16 units: past the quick bound, inside the schema's.
  const id = '\u{1F600}'.repeat(128);
  const result = check({ ...valid, transactionId: id });
  assert.equal(result.ok && result.record.transactionId, id);
  const tooLong = check({ ...valid, transactionId: '\u{1F600}'.repeat(129) });
  assert.equal(!tooLong.ok && tooLong.fieldPath, '/transactionId');
});

test('issue 16: the quick cents of an amount are always what toCents says (random amounts with 0 to 8 decimals)', () => {
  const amount = fc.oneof(
    fc.tuple(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 99_999_999 })).map(([whole, places, digits]) => {
      const fraction = String(digits).padStart(8, '0').slice(0, places);
      const value = Number(`${whole}${places > 0 ? `.${fraction}` : ''}`);
      return Math.abs(value) <= 10_000_000 ? value : whole;
    }),
    fc.double({ min: -10_000_000, max: 10_000_000, noNaN: true }),
    fc.constantFrom(0, -0, 0.005, 0.015, 2.675, 1.005, 10_000_000, -10_000_000, 9_999_999.99, 0.1 + 0.2, 1e-7, 5e-324),
  );
  fc.assert(fc.property(amount, (value) => Object.is(centsOf(value), toCents(value) ?? NaN)), { numRuns: 50_000 });
});

test('issue 16: a NUL or an unpaired surrogate in a stored field is refused with its field, not left to fail the batch in Postgres', () => {
  const cases: [unknown, string][] = [
    [{ ...valid, transactionId: 'a\u0000b' }, '/transactionId'],
    [{ ...valid, transactionId: 'a\ud800b' }, '/transactionId'],
    [{ ...valid, lines: [{ sku: 'x\u0000', quantity: 1, unitPrice: 1 }] }, '/lines/0/sku'],
    [{ ...valid, lines: [{ sku: 'A', quantity: 1, unitPrice: 1 }, { sku: 'B', name: 'lone \udc00', quantity: 1, unitPrice: 1 }] }, '/lines/1/name'],
  ];
  for (const [event, field] of cases) {
    const result = check(event);
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.fieldPath, field);
    assert.match(!result.ok ? result.reason : '', /cannot be stored/);
  }
  // A paired surrogate (an emoji) is an ordinary character.
  assert.equal(check({ ...valid, lines: [{ sku: '\u{1F600}', name: 'caf\u00e9 \u{1F600}', quantity: 1, unitPrice: 1 }] }).ok, true);
});
