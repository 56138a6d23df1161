import { ExecutionContext, HttpException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Request } from 'express';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway.options';
import { requestIdOf } from '../http/request-id';
import { PrincipalService, type AccessClaims } from './principal.service';
import { VERIFY_KEYS, type VerifyKeySource } from './verify-keys';
import type { UserPrincipal } from './access-policy';
import { tokenLifetimeProblem } from './token-lifetime.util';

function kidOf(rawJwt: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(rawJwt.split('.')[0], 'base64url').toString('utf8')) as { kid?: unknown };
    return typeof header.kid === 'string' ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * passport-jwt, verifying locally: ES256 only (no "none", no HMAC confusion), the key named
 * by the token's kid, issuer and audience checked, expiry enforced (and required, with a
 * lifetime of at most JWT_MAX_LIFETIME_SECONDS). Then the auth service
 * confirms the user still exists (cached briefly) and supplies their current scope.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly maxLifetimeSeconds: number;

  constructor(
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    @Inject(VERIFY_KEYS) keys: VerifyKeySource,
    private readonly principals: PrincipalService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      algorithms: ['ES256'],
      issuer: options.jwt.issuer,
      audience: options.jwt.audience,
      ignoreExpiration: false,
      passReqToCallback: true,
      secretOrKeyProvider: (_request: Request, rawJwt: string, done: (error: Error | null, key?: string) => void) => {
        const kid = kidOf(rawJwt);
        if (!kid) return done(new UnauthorizedException('access token has no key id; sign in again'));
        keys.keyFor(kid).then(
          (key) => (key ? done(null, key as unknown as string) : done(new UnauthorizedException(`access token signed with unknown key ${kid}; sign in again`))), // jsonwebtoken accepts a KeyObject
          (error: unknown) => done(error as Error),
        );
      },
    });
    this.maxLifetimeSeconds = options.jwt.maxLifetimeSeconds ?? 3600;
  }

  validate(request: Request, claims: AccessClaims & { sub?: unknown; iat?: unknown }): Promise<UserPrincipal> {
    if (typeof claims.sub !== 'string' || typeof claims.iat !== 'number') throw new UnauthorizedException('access token lacks sub or iat');
    const lifetime = tokenLifetimeProblem(claims as { iat: number; exp?: unknown }, this.maxLifetimeSeconds);
    if (lifetime) throw new UnauthorizedException(lifetime);
    const token = ExtractJwt.fromAuthHeaderAsBearerToken()(request) ?? '';
    return this.principals.forAccessToken(claims, { requestId: requestIdOf(request), token });
  }
}

/** Messages that say what happened to the token and what to do. */
export function tokenProblem(info: unknown): string {
  const error = info as { name?: string; message?: string; expiredAt?: Date } | undefined;
  if (error?.name === 'TokenExpiredError') return `access token expired at ${error.expiredAt?.toISOString()}; get a new one with POST /api/auth/refresh`;
  if (error?.name === 'NotBeforeError') return 'access token is not valid yet';
  if (error?.name === 'JsonWebTokenError') return `access token rejected (${error.message}); sign in again`;
  if (error?.message === 'No auth token') return 'sign in first: send Authorization: Bearer <access token> (from POST /api/auth/login)';
  return error?.message ? `access token rejected (${error.message})` : 'access token rejected';
}

@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  override handleRequest<TUser = UserPrincipal>(error: unknown, user: TUser | false, info: unknown, _context: ExecutionContext): TUser {
    if (error instanceof HttpException) throw error;
    if (error) throw new UnauthorizedException(tokenProblem(error));
    if (!user) throw info instanceof HttpException ? info : new UnauthorizedException(tokenProblem(info));
    return user;
  }
}
