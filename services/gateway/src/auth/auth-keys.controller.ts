import { Controller, Get, Inject, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SERVICE_CONFIG } from '@tessera/nest-core';
import { Access } from '../access/access.decorator';
import { jwksOf } from '../access/verify-keys';
import type { GatewayHubConfig } from '../gateway.config';

/**
 * The public keys that verify access tokens (JWT_VERIFY_KEYS), as a JWKS: store-node
 * gateways fetch them over the hub's node front and verify tokens locally, so a store keeps
 * working while the hub is unreachable. Public keys only; nothing here signs.
 */
@ApiTags('auth')
@Controller('api/auth')
export class AuthKeysController {
  private readonly jwks: { keys: Record<string, unknown>[] };

  constructor(@Inject(SERVICE_CONFIG) config: GatewayHubConfig) {
    this.jwks = jwksOf(config.JWT_VERIFY_KEYS);
  }

  @Get('keys')
  @Header('Cache-Control', 'public, max-age=300')
  @Access({ public: true, roles: [], store: 'none' })
  @ApiOperation({ summary: 'The public keys (JWKS: EC P-256, ES256, by kid) that verify access tokens; store-node gateways fetch them to verify tokens locally' })
  keys() {
    return this.jwks;
  }
}
