/**
 * Access tokens must expire, and soon: a validly signed token without `exp` (or one minted
 * for a year) would be a permanent credential. Returns what is wrong, or undefined.
 */
export function tokenLifetimeProblem(claims: { iat?: unknown; exp?: unknown }, maxLifetimeSeconds: number): string | undefined {
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return 'access token has no expiry (exp); sign in again';
  if (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat)) return 'access token lacks its issue time (iat); sign in again';
  const lifetime = claims.exp - claims.iat;
  if (lifetime <= 0) return 'access token expires before it was issued; sign in again';
  if (lifetime > maxLifetimeSeconds) return `access token lifetime of ${lifetime} s is over the ${maxLifetimeSeconds} s this gateway accepts; sign in again`;
  return undefined;
}
