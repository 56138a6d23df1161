import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { UserRecord } from '../auth.model';
import type { SigningKeySet } from './signing-keys';

/** The claims of an access token, as the seed API defined them (plus iss, aud, jti). */
export interface AccessClaims {
  sub: string;
  email: string;
  role: UserRecord['role'];
  storeId: string | null;
  iat: number;
  exp: number;
}

export interface AccessTokenOptions {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

/** Signs short-lived access JWTs (ES256) with the active key; its kid goes in the header. */
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeySet,
    private readonly options: AccessTokenOptions,
  ) {}

  get ttlSeconds(): number {
    return this.options.ttlSeconds;
  }

  issue(user: Pick<UserRecord, 'id' | 'email' | 'role' | 'storeId'>, now: Date = new Date()): { token: string; expiresIn: number } {
    const iat = Math.floor(now.getTime() / 1000);
    const claims: AccessClaims = { sub: user.id, email: user.email, role: user.role, storeId: user.storeId, iat, exp: iat + this.options.ttlSeconds };
    const token = jwt.sign(claims, this.keys.active.privateKey, {
      algorithm: 'ES256',
      keyid: this.keys.active.kid,
      issuer: this.options.issuer,
      audience: this.options.audience,
      jwtid: randomUUID(),
    });
    return { token, expiresIn: this.options.ttlSeconds };
  }
}
