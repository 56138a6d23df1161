import { Inject, Injectable, Optional, ServiceUnavailableException } from '@nestjs/common';
import type { Caller } from '../http/caller';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { requestContext } from '../access/request-principal';
import { apiKeyJson } from '../auth/auth.json';

@Injectable()
export class ApiKeysService {
  // Optional until API keys move to the node's ingestion service (a store-node gateway has no auth client).
  constructor(@Optional() @Inject(AUTH_CLIENT) private readonly authClient?: AuthClient) {}

  private get auth(): AuthClient {
    if (!this.authClient) throw new ServiceUnavailableException("API keys are managed by this node's ingestion service, which this build cannot reach yet");
    return this.authClient;
  }

  async create(storeId: string, name: string, caller: Caller) {
    const created = await this.auth.call((c) => c.createApiKey, { storeId, name, context: caller.context }, caller.requestId);
    return { apiKey: apiKeyJson(created.apiKey!), key: created.key, note: 'store this key now: it is shown only once' };
  }

  async list(storeId: string, caller: Caller) {
    const { apiKeys } = await this.auth.call((c) => c.listApiKeys, { storeId, context: caller.context }, caller.requestId);
    return { apiKeys: apiKeys.map(apiKeyJson) };
  }

  async revoke(apiKeyId: string, caller: Caller) {
    const { apiKey } = await this.auth.call((c) => c.revokeApiKey, { apiKeyId, context: caller.context }, caller.requestId);
    return { apiKey: apiKeyJson(apiKey!) };
  }
}
