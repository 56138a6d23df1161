import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { LOGGER } from '@tessera/nest-core';
import { CLOCK, SESSION_OPTIONS } from '../auth.tokens';
import { AuthError, type RequestContext, type StoreRecord, type UserRecord } from '../auth.model';
import { AuthDatabase, type AuthRepositories } from '../repositories';
import { AuditService } from '../audit/audit.service';
import { AccessTokenIssuer } from '../tokens/access-token';
import { childExpiry, decideRefresh, type RefreshDecision, hashOpaqueToken, looksLikeRefreshToken, newRefreshToken } from '../tokens/refresh-rotation.util';
import { afterFailure, afterSuccess, lockedForSeconds, type LockoutPolicy } from '../access/lockout.util';
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword, type ScryptParameters } from '../passwords/password-hash';
import { checkPassword, type PasswordPolicy } from '../passwords/password-policy.util';

export interface SessionOptions {
  refreshTtlSeconds: number;
  sessionMaxSeconds: number;
  lockout: LockoutPolicy;
  passwordPolicy: PasswordPolicy;
  scrypt: ScryptParameters;
}

export interface IssuedSession {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  user: UserRecord;
  store?: StoreRecord;
}

const INVALID_CREDENTIALS = 'email or password is incorrect';

/** Sign-in, token refresh with rotation and reuse detection, sign-out, password change. */
@Injectable()
export class SessionService {
  private readonly signIns?: ReturnType<ServiceMetrics['counter']>;
  private readonly refreshes?: ReturnType<ServiceMetrics['counter']>;

  constructor(
    private readonly database: AuthDatabase,
    private readonly audit: AuditService,
    private readonly tokens: AccessTokenIssuer,
    @Inject(SESSION_OPTIONS) private readonly options: SessionOptions,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(CLOCK) private readonly clock: () => Date = () => new Date(),
    @Optional() metrics?: ServiceMetrics,
  ) {
    this.signIns = metrics?.counter('auth_sign_ins_total', 'Sign-in attempts by outcome (success, failure, locked)', ['outcome']);
    this.refreshes = metrics?.counter('auth_refreshes_total', 'Refresh-token exchanges by outcome (success, reuse, refused)', ['outcome']);
  }

  async login(emailInput: string, password: string, context: RequestContext): Promise<IssuedSession> {
    const email = emailInput.trim().toLowerCase();
    const anonymous: RequestContext = { ...context, actor: { type: 'anonymous', id: '', email } };
    if (!email || !password) throw new AuthError('invalid', 'send both email and password');
    const locked = lockedForSeconds(await this.database.read.throttle.peek(email), this.clock());
    if (locked > 0) {
      await this.audit.record(anonymous, { action: 'session.login', outcome: 'denied', reason: `too many failed sign-ins; locked for ${locked} s` });
      this.signIns?.inc({ outcome: 'locked' });
      throw lockedError(locked);
    }
    const user = await this.database.read.users.findLiveByEmail(email);
    const valid = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password, this.options.scrypt);

    if (!user || !valid) {
      const lockedNow = await this.database.transaction(async (repositories) => {
        const next = afterFailure(await repositories.throttle.lock(email), this.clock(), this.options.lockout);
        await repositories.throttle.save(email, next);
        const seconds = lockedForSeconds(next, this.clock());
        await this.audit.recordIn(repositories, user ? { ...anonymous, actor: { ...anonymous.actor, id: user.id, role: user.role } } : anonymous, {
          action: 'session.login',
          outcome: 'failure',
          reason: seconds > 0 ? `${INVALID_CREDENTIALS}; locked for ${seconds} s after ${next.failures} failures` : INVALID_CREDENTIALS,
          details: { consecutiveFailures: next.failures },
        });
        return seconds;
      });
      this.signIns?.inc({ outcome: 'failure' });
      if (lockedNow > 0) throw lockedError(lockedNow);
      throw new AuthError('unauthenticated', INVALID_CREDENTIALS);
    }

    const actor: RequestContext = { ...context, actor: { type: 'user', id: user.id, email: user.email, role: user.role, storeId: user.storeId ?? undefined } };
    const session = await this.database.transaction(async (repositories) => {
      await repositories.throttle.save(email, afterSuccess());
      const refresh = await this.startFamily(repositories, user.id);
      await this.audit.recordIn(repositories, actor, { action: 'session.login', outcome: 'success', targetType: 'user', targetId: user.id, storeId: user.storeId ?? undefined });
      return refresh;
    });
    this.signIns?.inc({ outcome: 'success' });
    if (needsRehash(user.passwordHash, this.options.scrypt)) {
      await this.database.read.users.updatePassword(user.id, await hashPassword(password, this.options.scrypt), { revokeTokens: false });
      this.logger.info({ userId: user.id }, 'password rehashed with the current scrypt parameters');
    }
    return this.issue(user, session);
  }

  async refresh(refreshToken: string, context: RequestContext): Promise<IssuedSession> {
    const anonymous: RequestContext = { ...context, actor: { type: 'anonymous', id: '' } };
    const unknown = async () => {
      await this.audit.record(anonymous, { action: 'session.refresh', outcome: 'failure', reason: 'refresh token not recognised' });
      return new AuthError('unauthenticated', 'refresh token not recognised; sign in again');
    };
    if (!looksLikeRefreshToken(refreshToken)) throw await unknown();
    const token = await this.database.read.refreshTokens.findByHash(hashOpaqueToken(refreshToken));
    if (!token) throw await unknown();
    const user = await this.database.read.users.findLive(token.userId);
    const owner: RequestContext = { ...context, actor: { type: 'user', id: token.userId, email: user?.email, role: user?.role, storeId: user?.storeId ?? undefined } };
    let decision: RefreshDecision = user ? decideRefresh(token, this.clock()) : { kind: 'revoked', message: 'this account no longer exists; sign in with another account' };

    if (decision.kind === 'rotate') {
      const rotated = await this.database.transaction(async (repositories) => {
        if (!(await repositories.refreshTokens.markUsed(token.id))) return undefined; // spent by a concurrent refresh
        const refresh = await this.continueFamily(repositories, token);
        await this.audit.recordIn(repositories, owner, { action: 'session.refresh', outcome: 'success', targetType: 'session', targetId: token.familyId });
        return refresh;
      });
      if (rotated) {
        this.refreshes?.inc({ outcome: 'success' });
        return this.issue(user!, rotated);
      }
      decision = decideRefresh({ ...token, usedAt: this.clock() }, this.clock());
    }
    const reuse = decision.kind === 'reuse';
    const message = decision.kind === 'rotate' ? 'refresh failed; sign in again' : decision.message;
    await this.database.transaction(async (repositories) => {
      const revoked = reuse ? await repositories.refreshTokens.revokeFamily(token.familyId, 'reuse detected') : 0;
      await this.audit.recordIn(repositories, owner, {
        action: 'session.refresh',
        outcome: reuse ? 'denied' : 'failure',
        targetType: 'session',
        targetId: token.familyId,
        reason: reuse ? 'a spent refresh token was presented again; the session family was revoked' : message,
        details: reuse ? { revokedCount: revoked } : undefined,
      });
    });
    this.refreshes?.inc({ outcome: reuse ? 'reuse' : 'refused' });
    if (reuse) this.logger.warn({ userId: token.userId, familyId: token.familyId }, 'refresh token reuse: session family revoked');
    throw new AuthError('unauthenticated', message);
  }

  /** Ends the session the refresh token belongs to; only its owner may. */
  async logout(refreshToken: string, context: RequestContext): Promise<number> {
    const token = looksLikeRefreshToken(refreshToken) ? await this.database.read.refreshTokens.findByHash(hashOpaqueToken(refreshToken)) : undefined;
    if (token && token.userId !== context.actor.id) {
      await this.audit.record(context, { action: 'session.logout', outcome: 'denied', targetType: 'session', targetId: token.familyId, reason: 'the refresh token belongs to another account' });
      throw new AuthError('forbidden', 'this refresh token belongs to another account');
    }
    return this.database.transaction(async (repositories) => {
      const revoked = token ? await repositories.refreshTokens.revokeFamily(token.familyId, 'logout') : 0;
      await this.audit.recordIn(repositories, context, {
        action: 'session.logout',
        outcome: 'success',
        targetType: 'session',
        targetId: token?.familyId,
        details: { revokedCount: revoked },
      });
      return revoked;
    });
  }

  async changePassword(currentPassword: string, newPassword: string, context: RequestContext): Promise<void> {
    const user = context.actor.type === 'user' ? await this.database.read.users.findLive(context.actor.id) : undefined;
    if (!user) throw new AuthError('unauthenticated', 'sign in to change your password');
    const fail = async (kind: 'unauthenticated' | 'invalid', message: string) => {
      await this.audit.record(context, { action: 'user.change_password', outcome: 'failure', targetType: 'user', targetId: user.id, reason: message });
      return new AuthError(kind, message);
    };
    if (!(await verifyPassword(currentPassword, user.passwordHash))) throw await fail('unauthenticated', 'the current password is incorrect');
    const problems = checkPassword(newPassword, { email: user.email }, this.options.passwordPolicy);
    if (problems.length) throw await fail('invalid', `the new password is not accepted: ${problems.join('; ')}`);
    const passwordHash = await hashPassword(newPassword, this.options.scrypt);
    await this.database.transaction(async (repositories) => {
      await repositories.users.updatePassword(user.id, passwordHash, { revokeTokens: true });
      const revoked = await repositories.refreshTokens.revokeAllOfUser(user.id, 'password changed');
      await this.audit.recordIn(repositories, context, { action: 'user.change_password', outcome: 'success', targetType: 'user', targetId: user.id, details: { revokedCount: revoked } });
    });
  }

  private async startFamily(repositories: AuthRepositories, userId: string) {
    const now = this.clock();
    const familyExpiresAt = new Date(now.getTime() + this.options.sessionMaxSeconds * 1000);
    return this.insertToken(repositories, { familyId: randomUUID(), parentId: null, userId, familyExpiresAt });
  }

  private continueFamily(repositories: AuthRepositories, parent: { id: string; familyId: string; userId: string; familyExpiresAt: Date }) {
    return this.insertToken(repositories, { familyId: parent.familyId, parentId: parent.id, userId: parent.userId, familyExpiresAt: parent.familyExpiresAt });
  }

  private async insertToken(repositories: AuthRepositories, family: { familyId: string; parentId: string | null; userId: string; familyExpiresAt: Date }) {
    const now = this.clock();
    const refreshToken = newRefreshToken();
    const expiresAt = childExpiry(now, this.options.refreshTtlSeconds, family.familyExpiresAt);
    await repositories.refreshTokens.insert({ id: randomUUID(), ...family, tokenHash: hashOpaqueToken(refreshToken), expiresAt });
    return { refreshToken, refreshExpiresIn: Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)) };
  }

  private async issue(user: UserRecord, refresh: { refreshToken: string; refreshExpiresIn: number }): Promise<IssuedSession> {
    const access = this.tokens.issue(user, this.clock());
    const store = user.storeId ? await this.database.read.stores.findStore(user.storeId) : undefined;
    return { accessToken: access.token, expiresIn: access.expiresIn, ...refresh, user, store };
  }
}

function lockedError(seconds: number): AuthError {
  return new AuthError('locked', `too many failed sign-ins for this email; try again in ${seconds} s`, seconds);
}
