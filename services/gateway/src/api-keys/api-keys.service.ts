import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { requestContext } from '../access/request-principal';
import { requestIdOf } from '../http/request-id';
import { apiKeyJson } from '../auth/auth.json';

@Injectable()
export class ApiKeysService {
  constructor(@Inject(AUTH_CLIENT) private readonly auth: AuthClient) {}

  async create(storeId: string, name: string, request: Request) {
    const created = await this.auth.call((c) => c.createApiKey, { storeId, name, context: requestContext(request) }, requestIdOf(request));
    return { apiKey: apiKeyJson(created.apiKey!), key: created.key, note: 'store this key now: it is shown only once' };
  }

  async list(storeId: string, request: Request) {
    const { apiKeys } = await this.auth.call((c) => c.listApiKeys, { storeId, context: requestContext(request) }, requestIdOf(request));
    return { apiKeys: apiKeys.map(apiKeyJson) };
  }

  async revoke(apiKeyId: string, request: Request) {
    const { apiKey } = await this.auth.call((c) => c.revokeApiKey, { apiKeyId, context: requestContext(request) }, requestIdOf(request));
    return { apiKey: apiKeyJson(apiKey!) };
  }
}
