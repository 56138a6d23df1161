import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { cryptoRandomSource, defaultRandomSource, parseHexSeed, resolveRandomSource, seededRandomSource, uniformBigInt, uniformInt, RandomSource } from './random';
import { chiSquarePValue } from './testing/stats';

// The real module object (not an import-star wrapper), so mock.method affects what random.ts calls.
const nodeCrypto = require('node:crypto') as typeof import('node:crypto');

test('seeded source: deterministic, seed-dependent, independent of buffer size', () => {
  const a = seededRandomSource('deadbeef');
  const b = seededRandomSource('deadbeef', { bufferWords: 16 });
  const c = seededRandomSource('deadbeee');
  const xs = Array.from({ length: 5000 }, () => a.nextUint32());
  const ys = Array.from({ length: 5000 }, () => b.nextUint32());
  const zs = Array.from({ length: 5000 }, () => c.nextUint32());
  assert.deepEqual(xs, ys);
  assert.notDeepEqual(xs, zs);
  assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32));
});

test('seeded source is ChaCha20 over zeros keyed by SHA-256(domain ‖ seed)', () => {
  const key = nodeCrypto.createHash('sha256').update('tessera/privacy/chacha20-prg/v1').update(Buffer.from('00', 'hex')).digest();
  const ks = nodeCrypto.createCipheriv('chacha20', key, Buffer.alloc(16)).update(Buffer.alloc(64));
  const src = seededRandomSource('00');
  for (let i = 0; i < 16; i++) assert.equal(src.nextUint32(), ks.readUInt32LE(4 * i));
});

test('hex seeds are validated', () => {
  for (const bad of ['', 'abc', 'zz', '0x', 'g0']) assert.throws(() => parseHexSeed(bad), /hex/, bad);
  assert.deepEqual(parseHexSeed('0xAb01'), Buffer.from([0xab, 0x01]));
  assert.throws(() => resolveRandomSource({ rng: seededRandomSource('00'), seed: '00' }), /not both/);
});

test('the CSPRNG default: node:crypto randomFillSync is what fills the buffer', () => {
  const spy = jest.spyOn(nodeCrypto, 'randomFillSync');
  try {
    const src = cryptoRandomSource({ bufferWords: 16 });
    assert.equal(src.kind, 'crypto');
    for (let i = 0; i < 40; i++) src.nextUint32();
    assert.equal(spy.mock.calls.length, 3); // 40 words from 16-word buffers
  } finally {
    spy.mockRestore();
  }
  assert.equal(resolveRandomSource().kind, 'crypto');
  assert.equal(resolveRandomSource(), defaultRandomSource());
  assert.equal(resolveRandomSource({ seed: 'ab' }).kind, 'seeded');
});

test('uniformInt has no modulo bias (chi-square for n = 3, 10, 7919; n = 3·2^30 where r % n would be biased)', () => {
  const rng = seededRandomSource('01');
  for (const n of [3, 10, 7919]) {
    const counts = new Array(n).fill(0);
    const draws = 50 * n + 100_000;
    for (let i = 0; i < draws; i++) counts[uniformInt(rng, n)]++;
    const exp = draws / n;
    const stat = counts.reduce((s, c) => s + ((c - exp) * (c - exp)) / exp, 0);
    assert.ok(chiSquarePValue(stat, n - 1) > 1e-3, `n=${n} p=${chiSquarePValue(stat, n - 1)}`);
  }
  // n = 3·2^30: plain `r % n` would make the first 2^30 residues twice as likely.
  const n = 3 * 2 ** 30;
  let low = 0;
  const draws = 200_000;
  for (let i = 0; i < draws; i++) if (uniformInt(rng, n) < 2 ** 30) low++;
  assert.ok(Math.abs(low / draws - 1 / 3) < 5 * Math.sqrt(2 / 9 / draws), `low fraction ${low / draws}`);
});

test('uniformInt with a rigged source rejects the biased tail', () => {
  // A source that returns 2^32 - 1 first (must be rejected for n = 3 since 2^32 ≡ 1 mod 3), then 4.
  const words = [0xffffffff, 4];
  const rigged: RandomSource = { kind: 'test', nextUint32: () => words.shift() as number };
  assert.equal(uniformInt(rigged, 3), 1);
  assert.equal(words.length, 0);
});

test('property: uniformInt / uniformBigInt stay in range', () => {
  const rng = seededRandomSource('02');
  fc.assert(
    fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
      const v = uniformInt(rng, n);
      assert.ok(Number.isInteger(v) && v >= 0 && v < n);
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: 2n ** 300n }), (n) => {
      const v = uniformBigInt(rng, n);
      assert.ok(v >= 0n && v < n);
    }),
    { numRuns: 3000 },
  );
  assert.throws(() => uniformInt(rng, 0), /bad bound/);
  assert.throws(() => uniformInt(rng, 2 ** 54), /exceeds/);
  assert.throws(() => uniformBigInt(rng, 0n), /bad bound/);
});

test('uniformBigInt above 2^53 is uniform over the top bits', () => {
  const rng = seededRandomSource('03');
  const n = 3n * 2n ** 100n;
  const counts = [0, 0, 0];
  const draws = 60_000;
  for (let i = 0; i < draws; i++) counts[Number(uniformBigInt(rng, n) >> 100n)]++;
  const exp = draws / 3;
  const stat = counts.reduce((s, c) => s + ((c - exp) * (c - exp)) / exp, 0);
  assert.ok(chiSquarePValue(stat, 2) > 1e-3);
});
