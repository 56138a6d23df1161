import { createHash, randomBytes } from 'node:crypto';

/**
 * Refresh-token rotation with reuse detection (OAuth 2.0 Security BCP, RFC 9700 §4.14.2):
 * every refresh spends the presented token and issues a child in the same family. A token
 * presented a second time means two parties hold it, one of them an attacker, so the
 * whole family (every session descended from that sign-in) is revoked.
 */
export interface RefreshTokenState {
  usedAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
  familyExpiresAt: Date;
}

export type RefreshDecision =
  | { kind: 'rotate' }
  | { kind: 'reuse'; message: string }
  | { kind: 'revoked'; message: string }
  | { kind: 'expired'; message: string };

export function decideRefresh(token: RefreshTokenState, now: Date): RefreshDecision {
  if (token.usedAt) return { kind: 'reuse', message: 'this refresh token was already used, so every session of that sign-in has been ended for safety; sign in again' };
  if (token.revokedAt) return { kind: 'revoked', message: 'this session has ended (signed out, password changed or account removed); sign in again' };
  if (now >= token.familyExpiresAt) return { kind: 'expired', message: 'this session reached its maximum age; sign in again' };
  if (now >= token.expiresAt) return { kind: 'expired', message: 'this refresh token has expired; sign in again' };
  return { kind: 'rotate' };
}

/** A child token never outlives its family. */
export function childExpiry(now: Date, ttlSeconds: number, familyExpiresAt: Date): Date {
  return new Date(Math.min(now.getTime() + ttlSeconds * 1000, familyExpiresAt.getTime()));
}

const REFRESH_PREFIX = 'tsr_';

/** An opaque refresh token (256 random bits); only its SHA-256 is stored. */
export function newRefreshToken(): string {
  return REFRESH_PREFIX + randomBytes(32).toString('base64url');
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function looksLikeRefreshToken(token: string): boolean {
  return token.startsWith(REFRESH_PREFIX) && token.length > REFRESH_PREFIX.length + 20 && token.length < 200;
}
