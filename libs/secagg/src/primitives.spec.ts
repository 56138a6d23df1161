import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { P, batchInv, decodeFieldElement, fromBytesLE, inv, randomFieldElement, toBytesLE } from './field';
import { LagrangeCache, reconstruct, split } from './shamir';
import { addInto, aeOpen, aeSeal, expandMask, generateAgreementKeyPair, agree, importX25519Public, subInto, x25519PrivateFromScalar, x25519PublicOf } from './crypto';
import { SecAggError } from './errors';

function modpow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

describe('prime field GF(2^255 − 19)', () => {
  it('p passes Fermat tests (it is the Curve25519 prime)', () => {
    for (const a of [2n, 3n, 5n, 7n, 11n, 13n]) assert.equal(modpow(a, P - 1n, P), 1n);
  });
  it('inverse and batch inverse', () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: P - 1n }), (a) => (a * inv(a)) % P === 1n));
    const xs = Array.from({ length: 20 }, () => randomFieldElement() || 1n);
    batchInv(xs).forEach((y, i) => assert.equal((xs[i] * y) % P, 1n));
    assert.throws(() => inv(0n));
  });
  it('byte encodings round-trip; non-canonical encodings are rejected', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: P - 1n }), (a) => fromBytesLE(toBytesLE(a)) === a && decodeFieldElement(toBytesLE(a)) === a));
    assert.equal(decodeFieldElement(toBytesLE(P)), undefined);
    assert.equal(decodeFieldElement(new Uint8Array(31)), undefined);
  });
  it('random field elements are below p and not constant', () => {
    const xs = new Set(Array.from({ length: 50 }, () => randomFieldElement()));
    assert.equal(xs.size, 50);
    for (const x of xs) assert.ok(x >= 0n && x < P && x > 1n << 200n);
  });
});

describe('Shamir t-out-of-n sharing', () => {
  it('any t shares reconstruct the secret; t − 1 shares do not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 0, max: 8 }), fc.bigInt({ min: 0n, max: P - 1n }), fc.integer(), (t, extra, secret, seed) => {
        const xs = Array.from({ length: t + extra }, (_, i) => i * 3 + 1);
        const ys = split(secret, t, xs);
        const shares = xs.map((x, i) => ({ x, y: ys[i] }));
        // rotate to pick a varying subset of size t
        const rot = Math.abs(seed) % shares.length;
        const subset = [...shares.slice(rot), ...shares.slice(0, rot)].slice(0, t);
        assert.equal(reconstruct(subset), secret);
        assert.notEqual(reconstruct(subset.slice(0, t - 1)), secret === 0n ? -1n : secret); // t−1 shares give an unrelated value
      }),
      { numRuns: 60 },
    );
  });
  it('the Lagrange cache returns the same coefficients for the same x-set', () => {
    const c = new LagrangeCache();
    const a = c.coefficients([1, 2, 5]);
    assert.equal(c.coefficients([1, 2, 5]), a);
    const s = randomFieldElement();
    const ys = split(s, 3, [1, 2, 5]);
    assert.equal(reconstruct([{ x: 1, y: ys[0] }, { x: 2, y: ys[1] }, { x: 5, y: ys[2] }], c), s);
    assert.throws(() => reconstruct([{ x: 1, y: 1n }, { x: 1, y: 2n }]));
  });
  it('a shared X25519 key reconstructs to the same key pair', () => {
    const kp = generateAgreementKeyPair();
    const ys = split(kp.secret, 4, [1, 2, 3, 4, 5, 6]);
    const back = reconstruct([2, 3, 4, 5].map((x) => ({ x, y: ys[x - 1] })));
    assert.deepEqual(x25519PublicOf(x25519PrivateFromScalar(back)), kp.publicKey);
  });
});

describe('crypto helpers', () => {
  it('PRG: deterministic per key, different across keys, 10k words fast', () => {
    const k1 = randomBytes(32);
    const a = expandMask(k1, 10000);
    assert.deepEqual(Array.from(expandMask(k1, 10000)), Array.from(a)); // copy: the view may be reused
    const b = expandMask(randomBytes(32), 10000);
    assert.notDeepEqual(Array.from(a.subarray(0, 16)), Array.from(b.subarray(0, 16)));
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) expandMask(k1, 10000);
    assert.ok(performance.now() - t0 < 1000, 'mask expansion is too slow');
  });
  it('add/sub mod 2^32 are inverse', () => {
    const a = Uint32Array.from([0, 1, 0xffffffff, 123456789]);
    const m = Uint32Array.from([5, 0xffffffff, 1, 0xfedcba98]);
    const x = Uint32Array.from(a);
    addInto(x, m);
    assert.deepEqual(Array.from(x), [5, 0, 0, (123456789 + 0xfedcba98) % 2 ** 32]);
    subInto(x, m);
    assert.deepEqual(x, a);
  });
  it('X25519 agreement is symmetric; low-order points are refused', () => {
    const a = generateAgreementKeyPair();
    const b = generateAgreementKeyPair();
    assert.deepEqual(agree(a.privateKey, importX25519Public(b.publicKey)), agree(b.privateKey, importX25519Public(a.publicKey)));
    assert.throws(() => agree(a.privateKey, importX25519Public(new Uint8Array(32))), (e: unknown) => e instanceof SecAggError && e.code === 'PROTOCOL_VIOLATION');
  });
  it('AES-GCM: round trip, tamper and wrong-AAD detection', () => {
    const key = randomBytes(32);
    const aad = Buffer.from('aad');
    const ct = aeSeal(key, aad, Buffer.from('hello'));
    assert.equal(Buffer.from(aeOpen(key, aad, ct)!).toString(), 'hello');
    const bad = Uint8Array.from(ct);
    bad[13] ^= 1;
    assert.equal(aeOpen(key, aad, bad), undefined);
    assert.equal(aeOpen(key, Buffer.from('aae'), ct), undefined);
    assert.equal(aeOpen(randomBytes(32), aad, ct), undefined);
  });
});
