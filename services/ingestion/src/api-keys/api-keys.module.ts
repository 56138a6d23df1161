import { Module } from '@nestjs/common';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyService } from './api-key.service';
import { ApiKeysGrpcController } from './api-keys.grpc';

/** Store API keys, kept and verified on the node (CreateApiKey, ListApiKeys, RevokeApiKey, VerifyApiKey). */
@Module({
  controllers: [ApiKeysGrpcController],
  providers: [ApiKeyRepository, ApiKeyService],
  exports: [ApiKeyService],
})
export class ApiKeysModule {}
