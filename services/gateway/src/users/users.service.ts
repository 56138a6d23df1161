import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../http/caller';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { requestContext, roleToProto } from '../access/request-principal';
import { userJson } from '../auth/auth.json';
import type { CreateUserBody } from './users.dto';

@Injectable()
export class UsersService {
  constructor(@Inject(AUTH_CLIENT) private readonly auth: AuthClient) {}

  async list(caller: Caller) {
    const { users } = await this.auth.call((c) => c.listUsers, { context: caller.context }, caller.requestId);
    return { users: users.map(userJson) };
  }

  async create(body: CreateUserBody, caller: Caller) {
    const created = await this.auth.call(
      (c) => c.createUser,
      { email: body.email, role: roleToProto(body.role), storeId: body.storeId ?? '', regionId: body.regionId ?? '', password: body.password ?? '', context: caller.context },
      caller.requestId,
    );
    return { user: userJson(created.user!), ...(created.generatedPassword ? { password: created.generatedPassword, note: 'give this password to the user now: it is shown only once' } : {}) };
  }

  async delete(userId: string, caller: Caller) {
    await this.auth.call((c) => c.deleteUser, { userId, context: caller.context }, caller.requestId);
    return { userId, deleted: true };
  }
}
