import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canonicalBytes, decode, encode } from './codec';
import { SecAggError } from './errors';
import { SecAggMessage, decodeMessage, encodeMessage, validateMessage } from './messages';
import { simulateRound } from './simulate';

const isMalformed = (e: unknown) => e instanceof SecAggError && e.code === 'MALFORMED';

describe('message codec', () => {
  it('every message of a real round round-trips to an identical, canonical encoding', () => {
    const seen = new Map<string, SecAggMessage>();
    const r = simulateRound({ clients: 5, length: 10, dropout: { afterShareKeys: 0.2 }, onMessage: (m) => void seen.set(m.type, m) });
    assert.equal(r.correct, true);
    assert.equal(seen.size, 9, [...seen.keys()].join());
    for (const m of seen.values()) {
      const bytes = encodeMessage(m);
      const back = decodeMessage(bytes);
      assert.deepEqual(back, m);
      assert.deepEqual(encodeMessage(back), bytes);
    }
  });

  it('object key order does not change the encoding', () => {
    assert.deepEqual(canonicalBytes({ a: 1, b: 'x' }), canonicalBytes({ b: 'x', a: 1 }));
  });

  it('values round-trip', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string(),
        fc.maxSafeInteger(),
        fc.boolean(),
        fc.uint8Array(),
        fc.uint32Array().map((a) => Uint32Array.from(a)),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string().filter((k) => k !== '__proto__'), tie('v'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(fc.property(value.v, (v) => assert.deepEqual(decode(encode(v as never)), v)), { numRuns: 200 });
  });

  it('rejects garbage, truncation, trailing bytes, bad magic and non-canonical key order', () => {
    const good = encode({ a: 1, b: new Uint8Array([1, 2, 3]) });
    assert.throws(() => decode(good.subarray(0, good.length - 1)), isMalformed);
    assert.throws(() => decode(Uint8Array.from([...good, 0])), isMalformed);
    assert.throws(() => decode(Uint8Array.from([0x58, ...good.subarray(1)])), isMalformed);
    // Hand-build {b, a}: keys out of order.
    const swapped = Buffer.concat([Buffer.from('TSA1'), Buffer.from([6, 0, 0, 0, 2, 0, 0, 0, 1]), Buffer.from('b'), Buffer.from([7, 0, 0, 0, 1]), Buffer.from('a'), Buffer.from([8])]);
    assert.throws(() => decode(swapped), (e: unknown) => isMalformed(e) && /canonical order/.test((e as Error).message));
    // Huge declared lengths are caught without allocating.
    assert.throws(() => decode(Uint8Array.from([...Buffer.from('TSA1'), 4, 0xff, 0xff, 0xff, 0xff])), isMalformed);
  });

  it('random bytes never crash the decoder with anything but MALFORMED', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (tail) => {
        try {
          decodeMessage(Uint8Array.from([...Buffer.from('TSA1'), ...tail]));
        } catch (e) {
          assert.ok(isMalformed(e), String(e));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('validateMessage rejects wrong types in otherwise plausible messages', () => {
    assert.throws(() => validateMessage({ type: 'MaskedInput', roundId: 'r', stage: 2, from: 'a', masked: [1, 2], sig: new Uint8Array(64) }), isMalformed);
    assert.throws(() => validateMessage({ type: 'Unmask', roundId: 'r', stage: 4, from: 'a', selfMaskShares: [{ of: 'b', share: new Uint8Array(31) }], maskKeyShares: [], sig: new Uint8Array(64) }), isMalformed);
    assert.throws(() => validateMessage({ type: 'ConsistencyRequest', roundId: 'r', stage: 3, to: 'a', maskedInputSurvivors: ['x', 'x'] }), isMalformed);
  });
});
