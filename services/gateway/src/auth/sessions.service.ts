import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../http/caller';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { principalOf, requestContext } from '../access/request-principal';
import { PrincipalService } from '../access/principal.service';
import { sessionJson, userJson } from './auth.json';

/** Sign-in and sessions, forwarded to the auth service with who and from where. */
@Injectable()
export class SessionsService {
  constructor(
    @Inject(AUTH_CLIENT) private readonly auth: AuthClient,
    private readonly principals: PrincipalService,
  ) {}

  async login(email: string, password: string, caller: Caller) {
    return sessionJson(await this.auth.call((c) => c.login, { email, password, context: caller.context }, caller.requestId));
  }

  async refresh(refreshToken: string, caller: Caller) {
    return sessionJson(await this.auth.call((c) => c.refresh, { refreshToken, context: caller.context }, caller.requestId));
  }

  async logout(refreshToken: string, caller: Caller) {
    const { revoked } = await this.auth.call((c) => c.logout, { refreshToken, context: caller.context }, caller.requestId);
    return { revoked };
  }

  async changePassword(currentPassword: string, newPassword: string, caller: Caller) {
    await this.auth.call((c) => c.changePassword, { currentPassword, newPassword, context: caller.context }, caller.requestId);
    const principal = caller.principal;
    if (principal) this.principals.forgetUser(principal.id);
    return { changed: true, message: 'password changed; every session of this account has ended, so sign in again' };
  }

  async me(caller: Caller) {
    const principal = caller.principal!;
    const response = await this.auth.call((c) => c.getPrincipal, { userId: principal.id }, caller.requestId);
    return { user: userJson(response.user!), storeIds: response.storeIds, allStores: response.allStores };
  }
}
