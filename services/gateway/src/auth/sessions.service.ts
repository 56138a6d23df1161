import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { principalOf, requestContext } from '../access/request-principal';
import { PrincipalService } from '../access/principal.service';
import { requestIdOf } from '../http/request-id';
import { sessionJson, userJson } from './auth.json';

/** Sign-in and sessions, forwarded to the auth service with who and from where. */
@Injectable()
export class SessionsService {
  constructor(
    @Inject(AUTH_CLIENT) private readonly auth: AuthClient,
    private readonly principals: PrincipalService,
  ) {}

  async login(email: string, password: string, request: Request) {
    return sessionJson(await this.auth.call((c) => c.login, { email, password, context: requestContext(request) }, requestIdOf(request)));
  }

  async refresh(refreshToken: string, request: Request) {
    return sessionJson(await this.auth.call((c) => c.refresh, { refreshToken, context: requestContext(request) }, requestIdOf(request)));
  }

  async logout(refreshToken: string, request: Request) {
    const { revoked } = await this.auth.call((c) => c.logout, { refreshToken, context: requestContext(request) }, requestIdOf(request));
    return { revoked };
  }

  async changePassword(currentPassword: string, newPassword: string, request: Request) {
    await this.auth.call((c) => c.changePassword, { currentPassword, newPassword, context: requestContext(request) }, requestIdOf(request));
    const principal = principalOf(request);
    if (principal) this.principals.forgetUser(principal.id);
    return { changed: true, message: 'password changed; every session of this account has ended, so sign in again' };
  }

  async me(request: Request) {
    const principal = principalOf(request)!;
    const response = await this.auth.call((c) => c.getPrincipal, { userId: principal.id }, requestIdOf(request));
    return { user: userJson(response.user!), storeIds: response.storeIds, allStores: response.allStores };
  }
}
