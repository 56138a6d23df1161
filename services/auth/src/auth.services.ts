import type { DataSource } from 'typeorm';
import type { Logger, ServiceMetrics } from '@tessera/common';
import type { AuthConfig } from './auth.config';
import { AuthDatabase } from './repositories';
import { AuditService } from './audit/audit.service';
import { SessionService } from './services/session.service';
import { UserService } from './services/user.service';
import { DirectoryService } from './services/directory.service';
import { ApiKeyService } from './services/api-key.service';
import { AccessTokenIssuer } from './tokens/access-token';
import { DEFAULT_PASSWORD_POLICY } from './passwords/password-policy.util';

export interface AuthServices {
  database: AuthDatabase;
  audit: AuditService;
  sessions: SessionService;
  users: UserService;
  directory: DirectoryService;
  apiKeys: ApiKeyService;
  tokens: AccessTokenIssuer;
}

/** Wires the auth service's services on an open data source (the server, the CLI and tests share it). */
export function createAuthServices(dataSource: DataSource, config: AuthConfig, logger: Logger, metrics?: ServiceMetrics): AuthServices {
  const database = new AuthDatabase(dataSource);
  const audit = new AuditService(database);
  const passwordPolicy = { ...DEFAULT_PASSWORD_POLICY, minLength: config.PASSWORD_MIN_LENGTH };
  const scrypt = { logN: config.SCRYPT_COST, r: 8, p: 1 };
  const tokens = new AccessTokenIssuer(config.JWT_SIGNING_KEYS, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });
  const sessions = new SessionService(
    database,
    audit,
    tokens,
    {
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      sessionMaxSeconds: config.SESSION_MAX_SECONDS,
      lockout: { threshold: config.LOCKOUT_THRESHOLD, baseSeconds: config.LOCKOUT_BASE_SECONDS, maxSeconds: config.LOCKOUT_MAX_SECONDS },
      passwordPolicy,
      scrypt,
    },
    logger,
    undefined,
    metrics,
  );
  const users = new UserService(database, audit, { passwordPolicy, scrypt });
  return { database, audit, sessions, users, directory: new DirectoryService(database, audit), apiKeys: new ApiKeyService(database, audit), tokens };
}
