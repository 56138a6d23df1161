import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { authTables, type AuthTables, type Db } from './db';
import { UserRepository } from './user.repository';
import { StoreRepository } from './store.repository';
import { ThrottleRepository } from './throttle.repository';
import { RefreshTokenRepository } from './refresh-token.repository';
import { ApiKeyRepository } from './api-key.repository';
import { AuditRepository } from './audit.repository';

export interface AuthRepositories {
  users: UserRepository;
  stores: StoreRepository;
  throttle: ThrottleRepository;
  refreshTokens: RefreshTokenRepository;
  apiKeys: ApiKeyRepository;
  audit: AuditRepository;
}

function repositoriesOn(db: Db, tables: AuthTables): AuthRepositories {
  return {
    users: new UserRepository(db, tables),
    stores: new StoreRepository(db, tables),
    throttle: new ThrottleRepository(db, tables),
    refreshTokens: new RefreshTokenRepository(db, tables),
    apiKeys: new ApiKeyRepository(db, tables),
    audit: new AuditRepository(db, tables),
  };
}

/**
 * The auth schema's repositories, outside a transaction (`read`) or bound to one
 * (`transaction`), so a write and its audit row commit together or not at all.
 */
@Injectable()
export class AuthDatabase {
  readonly read: AuthRepositories;
  private readonly tables: AuthTables;

  constructor(private readonly dataSource: DataSource) {
    this.tables = authTables(dataSource);
    this.read = repositoriesOn(dataSource, this.tables);
  }

  transaction<T>(work: (repositories: AuthRepositories) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(repositoriesOn(manager, this.tables)));
  }
}

export { isForeignKeyViolation, isUniqueViolation } from './db';
