import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { Logger } from '@tessera/common';
import { LOGGER, SERVICE_CONFIG } from '@tessera/nest-core';
import type { AuthConfig } from './auth.config';
import { SESSION_OPTIONS, USER_OPTIONS } from './auth.tokens';
import { AuthDatabase } from './repositories';
import { AuditService } from './audit/audit.service';
import { SessionService, type SessionOptions } from './services/session.service';
import { UserService } from './services/user.service';
import { DirectoryService } from './services/directory.service';
import { ApiKeyService } from './services/api-key.service';
import { AccessTokenIssuer } from './tokens/access-token';
import { DEFAULT_PASSWORD_POLICY } from './passwords/password-policy.util';
import { AuthGrpcController } from './grpc/auth.grpc';
import { AuditRetentionController } from './retention/audit-retention.controller';
import { AuditRetentionRepository } from './retention/audit-retention.repository';

const passwordPolicyOf = (config: AuthConfig) => ({ ...DEFAULT_PASSWORD_POLICY, minLength: config.PASSWORD_MIN_LENGTH });
const scryptOf = (config: AuthConfig) => ({ logN: config.SCRYPT_COST, r: 8, p: 1 });

/** The hub's auth: accounts, sessions, API keys, stores and regions, and the audit log (with its retention sweeps), over gRPC. */
@Module({
  controllers: [AuthGrpcController, AuditRetentionController],
  providers: [
    {
      provide: SESSION_OPTIONS,
      inject: [SERVICE_CONFIG],
      useFactory: (config: AuthConfig): SessionOptions => ({
        refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
        sessionMaxSeconds: config.SESSION_MAX_SECONDS,
        lockout: { threshold: config.LOCKOUT_THRESHOLD, baseSeconds: config.LOCKOUT_BASE_SECONDS, maxSeconds: config.LOCKOUT_MAX_SECONDS },
        passwordPolicy: passwordPolicyOf(config),
        scrypt: scryptOf(config),
      }),
    },
    { provide: USER_OPTIONS, inject: [SERVICE_CONFIG], useFactory: (config: AuthConfig) => ({ passwordPolicy: passwordPolicyOf(config), scrypt: scryptOf(config) }) },
    {
      provide: AccessTokenIssuer,
      inject: [SERVICE_CONFIG],
      useFactory: (config: AuthConfig) => new AccessTokenIssuer(config.JWT_SIGNING_KEYS, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS }),
    },
    AuthDatabase,
    AuditService,
    AuditRetentionRepository,
    SessionService,
    UserService,
    DirectoryService,
    ApiKeyService,
  ],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly users: UserService,
    @Inject(SERVICE_CONFIG) private readonly config: AuthConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The first admin, from BOOTSTRAP_ADMIN_EMAIL, before the service answers anyone. */
  async onModuleInit() {
    try {
      const admin = await this.users.bootstrapAdmin(this.config.BOOTSTRAP_ADMIN_EMAIL.trim(), this.config.BOOTSTRAP_ADMIN_PASSWORD);
      if (admin) this.logger.info({ email: admin.email }, 'created the first admin from BOOTSTRAP_ADMIN_EMAIL');
    } catch (error) {
      throw new Error(`auth: could not create the bootstrap admin: ${(error as Error).message}`);
    }
  }
}
