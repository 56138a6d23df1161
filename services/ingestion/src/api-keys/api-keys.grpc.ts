import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { ingestionV1 } from '@tessera/proto';
import type { ApiKeyRecord } from './api-key.repository';
import { ApiKeyService } from './api-key.service';

export function apiKeyToProto(key: ApiKeyRecord): ingestionV1.StoreApiKey {
  return {
    id: key.id,
    storeId: key.storeId,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    createdBy: key.createdBy ?? '',
    lastUsedAt: key.lastUsedAt?.toISOString() ?? '',
    revokedAt: key.revokedAt?.toISOString() ?? '',
  };
}

/** The API-key RPCs of IngestionService (the other RPCs are answered by IngestionGrpcController). */
@Controller()
export class ApiKeysGrpcController {
  constructor(private readonly apiKeys: ApiKeyService) {}

  @GrpcMethod('IngestionService', 'CreateApiKey')
  async createApiKey(request: ingestionV1.CreateApiKeyRequest): Promise<ingestionV1.CreateApiKeyResponse> {
    const { apiKey, key } = await this.apiKeys.create({ storeId: request.storeId, name: request.name, scopes: request.scopes, createdBy: request.createdBy });
    return { apiKey: apiKeyToProto(apiKey), key };
  }

  @GrpcMethod('IngestionService', 'ListApiKeys')
  async listApiKeys(request: ingestionV1.ListApiKeysRequest): Promise<ingestionV1.ListApiKeysResponse> {
    return { apiKeys: (await this.apiKeys.list(request.storeId)).map(apiKeyToProto) };
  }

  @GrpcMethod('IngestionService', 'RevokeApiKey')
  async revokeApiKey(request: ingestionV1.RevokeApiKeyRequest): Promise<ingestionV1.RevokeApiKeyResponse> {
    return { apiKey: apiKeyToProto(await this.apiKeys.revoke(request.apiKeyId, { storeIds: request.storeIds, allStores: request.allStores })) };
  }

  @GrpcMethod('IngestionService', 'VerifyApiKey')
  async verifyApiKey(request: ingestionV1.VerifyApiKeyRequest): Promise<ingestionV1.VerifyApiKeyResponse> {
    return { apiKey: apiKeyToProto(await this.apiKeys.verify(request.key)) };
  }
}
