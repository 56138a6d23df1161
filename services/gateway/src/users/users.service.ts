import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { requestContext, roleToProto } from '../access/request-principal';
import { requestIdOf } from '../http/request-id';
import { userJson } from '../auth/auth.json';
import type { CreateUserBody } from './users.dto';

@Injectable()
export class UsersService {
  constructor(@Inject(AUTH_CLIENT) private readonly auth: AuthClient) {}

  async list(request: Request) {
    const { users } = await this.auth.call((c) => c.listUsers, { context: requestContext(request) }, requestIdOf(request));
    return { users: users.map(userJson) };
  }

  async create(body: CreateUserBody, request: Request) {
    const created = await this.auth.call(
      (c) => c.createUser,
      { email: body.email, role: roleToProto(body.role), storeId: body.storeId ?? '', regionId: body.regionId ?? '', password: body.password ?? '', context: requestContext(request) },
      requestIdOf(request),
    );
    return { user: userJson(created.user!), ...(created.generatedPassword ? { password: created.generatedPassword, note: 'give this password to the user now: it is shown only once' } : {}) };
  }

  async delete(userId: string, request: Request) {
    await this.auth.call((c) => c.deleteUser, { userId, context: requestContext(request) }, requestIdOf(request));
    return { userId, deleted: true };
  }
}
