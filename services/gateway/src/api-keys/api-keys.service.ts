import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { ingestionV1 } from '@tessera/proto';
import type { Caller } from '../http/caller';
import { Downstream } from '../clients/downstream';
import { INGESTION_CLIENT } from '../clients/ingestion.client';

export function apiKeyJson(key: ingestionV1.StoreApiKey) {
  const orNull = (value: string) => value || null;
  return {
    id: key.id,
    storeId: key.storeId,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.createdAt,
    createdBy: orNull(key.createdBy),
    lastUsedAt: orNull(key.lastUsedAt),
    revokedAt: orNull(key.revokedAt),
  };
}

/**
 * Store API keys are kept by the store node's ingestion service (created, listed, revoked and
 * verified there), not by the hub's auth service: a till keeps posting while the hub is away.
 * The access guard has checked the caller's role and, for create and list, the store.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    @Inject(INGESTION_CLIENT) private readonly ingestion: ingestionV1.IngestionServiceClient,
    private readonly downstream: Downstream,
  ) {}

  async create(storeId: string, name: string, caller: Caller) {
    const createdBy = caller.principal?.kind === 'user' ? caller.principal.id : '';
    const created = await this.downstream.unary('ingestion', this.ingestion.createApiKey.bind(this.ingestion), { storeId, name, scopes: ['ingestion'], createdBy }, caller.requestId);
    return { apiKey: apiKeyJson(created.apiKey!), key: created.key, note: 'store this key now: it is shown only once' };
  }

  async list(storeId: string, caller: Caller) {
    const { apiKeys } = await this.downstream.unary('ingestion', this.ingestion.listApiKeys.bind(this.ingestion), { storeId }, caller.requestId);
    return { apiKeys: apiKeys.map(apiKeyJson) };
  }

  /** The key's store is known only to the node: it refuses a key outside the caller's stores. */
  async revoke(apiKeyId: string, caller: Caller) {
    if (caller.principal?.kind !== 'user') throw new ForbiddenException('only a signed-in store manager or admin revokes API keys');
    const stores = caller.visibleStores;
    const { apiKey } = await this.downstream.unary('ingestion', this.ingestion.revokeApiKey.bind(this.ingestion), { apiKeyId, storeIds: stores ?? [], allStores: stores === undefined }, caller.requestId);
    caller.recordStore(apiKey!.storeId, false);
    return { apiKey: apiKeyJson(apiKey!) };
  }
}
