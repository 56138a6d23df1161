import assert from 'node:assert/strict';
import { childExpiry, decideRefresh, hashOpaqueToken, looksLikeRefreshToken, newRefreshToken, type RefreshTokenState } from './refresh-rotation.util';

const now = new Date('2025-03-01T12:00:00Z');
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
const fresh: RefreshTokenState = { usedAt: null, revokedAt: null, expiresAt: later(3600), familyExpiresAt: later(86400) };

test('an unused, live token rotates', () => {
  assert.equal(decideRefresh(fresh, now).kind, 'rotate');
});

test('a spent token is reuse, even if its family was revoked since', () => {
  assert.equal(decideRefresh({ ...fresh, usedAt: later(-10) }, now).kind, 'reuse');
  assert.equal(decideRefresh({ ...fresh, usedAt: later(-10), revokedAt: later(-5) }, now).kind, 'reuse');
  assert.match((decideRefresh({ ...fresh, usedAt: later(-10) }, now) as { message: string }).message, /sign in again/);
});

test('revoked and expired tokens are refused without being reuse', () => {
  assert.equal(decideRefresh({ ...fresh, revokedAt: later(-1) }, now).kind, 'revoked');
  assert.equal(decideRefresh({ ...fresh, expiresAt: now }, now).kind, 'expired');
  assert.equal(decideRefresh({ ...fresh, familyExpiresAt: later(-1) }, now).kind, 'expired');
});

test('a child never outlives its family', () => {
  assert.deepEqual(childExpiry(now, 3600, later(86400)), later(3600));
  assert.deepEqual(childExpiry(now, 3600, later(60)), later(60));
});

test('tokens are random, recognisable, and stored only as a hash', () => {
  const a = newRefreshToken();
  const b = newRefreshToken();
  assert.notEqual(a, b);
  assert.ok(looksLikeRefreshToken(a));
  assert.ok(!looksLikeRefreshToken('tsk_' + a.slice(4)));
  assert.ok(!looksLikeRefreshToken('eyJhbGciOi.x.y'));
  assert.match(hashOpaqueToken(a), /^[0-9a-f]{64}$/);
  assert.notEqual(hashOpaqueToken(a), hashOpaqueToken(b));
});
