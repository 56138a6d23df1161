import type { INestApplicationContext } from '@nestjs/common';
import { AuthDatabase } from './repositories';
import { AuditService } from './audit/audit.service';
import { SessionService } from './services/session.service';
import { UserService } from './services/user.service';
import { DirectoryService } from './services/directory.service';
import { ApiKeyService } from './services/api-key.service';
import { AccessTokenIssuer } from './tokens/access-token';

/** The auth service's providers, as `startAuthService` returns them (tests and the CLI reach in). */
export interface AuthServices {
  database: AuthDatabase;
  audit: AuditService;
  sessions: SessionService;
  users: UserService;
  directory: DirectoryService;
  apiKeys: ApiKeyService;
  tokens: AccessTokenIssuer;
}

export function authServicesOf(app: INestApplicationContext): AuthServices {
  return {
    database: app.get(AuthDatabase),
    audit: app.get(AuditService),
    sessions: app.get(SessionService),
    users: app.get(UserService),
    directory: app.get(DirectoryService),
    apiKeys: app.get(ApiKeyService),
    tokens: app.get(AccessTokenIssuer),
  };
}
