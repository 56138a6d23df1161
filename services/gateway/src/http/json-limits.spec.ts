import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkJsonShape, FORBIDDEN_KEYS, JsonShapeError } from './json-limits';

const check = (text: string, depth = 32) => checkJsonShape(Buffer.from(text), depth);

/** Depth of a parsed value, as the scanner counts it (containers only). */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

function hasForbiddenKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasForbiddenKey);
  if (value && typeof value === 'object') return Object.keys(value).some((k) => FORBIDDEN_KEYS.has(k)) || Object.values(value).some(hasForbiddenKey);
  return false;
}

test('issue 11: deeply nested JSON is refused before parsing, naming where', () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  assert.throws(() => check(deep), (e: unknown) => e instanceof JsonShapeError && e.status === 400 && /nests deeper than 32 levels/.test(e.message));
  assert.throws(() => check('{"a":{"b":[1,{"c":' + '{"d":'.repeat(40) + '1' + '}'.repeat(41) + ']}}'), /body\.a\.b\[1\]\.c(\.d)+: the body nests deeper/);
  check('{"a":' + '['.repeat(31) + ']'.repeat(31) + '}');
});

test('issue 11: __proto__, constructor and prototype keys are refused, also escaped; as values they are fine', () => {
  assert.throws(() => check('{"storeId":"s","__proto__":{"admin":true}}'), /body\.__proto__: the key "__proto__" is not allowed/);
  assert.throws(() => check('{"items":[{"sku":"a"},{"constructor":{"prototype":{}}}]}'), /body\.items\[1\]\.constructor/);
  assert.throws(() => check('{"a":{"\\u005f_proto__":1}}'), /"__proto__" is not allowed/);
  check('{"name":"__proto__","list":["constructor","prototype"]}');
  check('{"a":"x\\"__proto__\\":1"}');
});

test('property: the scanner accepts exactly the JSON values within the depth and without forbidden keys', () => {
  const keys = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'a"b', 'é\\'));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(keys, tie('node'), { maxKeys: 3 })),
  })).node;
  fc.assert(
    fc.property(value, fc.integer({ min: 1, max: 6 }), (v, maxDepth) => {
      const text = JSON.stringify(v);
      if (text === undefined) return;
      const parsed = JSON.parse(text);
      const shouldPass = depthOf(parsed) <= maxDepth && !hasForbiddenKey(parsed);
      let passed = true;
      try {
        check(text, maxDepth);
      } catch (error) {
        assert.ok(error instanceof JsonShapeError);
        passed = false;
      }
      assert.equal(passed, shouldPass, text);
    }),
    { numRuns: 500 },
  );
});
