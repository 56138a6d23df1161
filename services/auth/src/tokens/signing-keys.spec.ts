import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { createPublicKey } from 'node:crypto';
import { generateSigningKey, parseSigningKeys, publicKeysJson } from './signing-keys';
import { AccessTokenIssuer } from './access-token';

test('generated keys parse; the first one signs, and its public half verifies the token', () => {
  const first = generateSigningKey('first');
  const second = generateSigningKey('second');
  const set = parseSigningKeys(JSON.stringify([first, second]));
  assert.equal(set.active.kid, 'first');
  assert.deepEqual(set.all.map((k) => k.kid), ['first', 'second']);
  const publics = JSON.parse(publicKeysJson(set)) as { kid: string; d?: string }[];
  assert.deepEqual(publics.map((k) => k.kid), ['first', 'second']);
  assert.ok(publics.every((k) => k.d === undefined), 'public keys carry no private part');

  const issuer = new AccessTokenIssuer(set, { issuer: 'iss', audience: 'aud', ttlSeconds: 60 });
  const now = new Date();
  const { token } = issuer.issue({ id: 'user-1', email: 'a@b.example', role: 'store_manager', storeId: 'store-a' }, now);
  const decoded = jwt.decode(token, { complete: true })!;
  assert.equal(decoded.header.alg, 'ES256');
  assert.equal(decoded.header.kid, 'first');
  const claims = jwt.verify(token, createPublicKey({ key: publics[0] as never, format: 'jwk' }), { algorithms: ['ES256'], issuer: 'iss', audience: 'aud' }) as Record<string, unknown>;
  assert.equal(claims.sub, 'user-1');
  assert.equal(claims.email, 'a@b.example');
  assert.equal(claims.role, 'store_manager');
  assert.equal(claims.storeId, 'store-a');
  assert.equal(claims.exp, (claims.iat as number) + 60);
  assert.throws(() => jwt.verify(token, createPublicKey({ key: publics[1] as never, format: 'jwk' }), { algorithms: ['ES256'] }), /invalid signature/);
});

test('bad key configuration is refused with the reason', () => {
  assert.throws(() => parseSigningKeys('not json'), /JSON array of private JWKs/);
  assert.throws(() => parseSigningKeys('[]'), /at least one key/);
  const key = generateSigningKey('k1');
  assert.throws(() => parseSigningKeys(JSON.stringify([{ ...key, kid: undefined }])), /needs a "kid"/);
  assert.throws(() => parseSigningKeys(JSON.stringify([{ ...key, d: undefined }])), /EC P-256 private JWK/);
  assert.throws(() => parseSigningKeys(JSON.stringify([key, key])), /appears twice/);
  assert.throws(() => parseSigningKeys(JSON.stringify([{ ...key, d: 'AAAA' }])), /not a valid key/);
});
