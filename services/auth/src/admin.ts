import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CoreModule } from '@tessera/nest-core';
import { authMigrations } from './migrations';
import { AuthDatabase } from './repositories';
import { AuditService } from './audit/audit.service';
import { UserService } from './services/user.service';
import { DirectoryService } from './services/directory.service';
import { hashPassword } from './passwords/password-hash';
import { DEFAULT_PASSWORD_POLICY, generatePassword } from './passwords/password-policy.util';
import { USER_OPTIONS } from './auth.tokens';
import { SYSTEM_CONTEXT, type RegionRecord, type Role, type StoreRecord, type UserRecord } from './auth.model';

export interface DemoAccount {
  role: Role;
  email: string;
  password: string;
  storeId?: string;
}

export const DEMO_REGION_ID = 'demo-region';

/**
 * Operator access to the auth schema without a running gateway: the one-time bootstrap
 * (`tessera admin create-user`) and the demo accounts of `tessera start`. Everything it
 * does is audited as the system actor.
 */
export interface AuthAdmin {
  createUser(input: { email: string; role: Role; storeId?: string; regionId?: string }): Promise<{ user: UserRecord; password: string }>;
  createStore(input: { id: string; name?: string; regionId?: string }): Promise<StoreRecord>;
  createRegion(input: { id: string; name?: string }): Promise<RegionRecord>;
  /** One admin, one coordinator whose region holds every given store, one manager per store; fresh random passwords each call. */
  ensureDemoAccounts(storeIds: string[]): Promise<DemoAccount[]>;
  close(): Promise<void>;
}

/** The part of the auth service an operator needs: accounts and the directory, on the auth schema, audited. */
@Module({})
class AuthAdminModule {
  static withScrypt(scrypt: { logN: number; r: number; p: number }): DynamicModule {
    return {
      module: AuthAdminModule,
      providers: [{ provide: USER_OPTIONS, useValue: { passwordPolicy: DEFAULT_PASSWORD_POLICY, scrypt } }, AuthDatabase, AuditService, UserService, DirectoryService],
    };
  }
}

export async function openAuthAdmin(options: { databaseUrl: string; schema?: string; scryptCost?: number }): Promise<AuthAdmin> {
  const scrypt = { logN: options.scryptCost ?? 15, r: 8, p: 1 };
  const config = { LOG_LEVEL: 'silent', OTEL_EXPORTER: 'none' as const, OTEL_EXPORTER_OTLP_ENDPOINT: '', DATABASE_URL: options.databaseUrl, DATABASE_POOL_SIZE: 2 };
  @Module({
    imports: [CoreModule.forService({ name: 'auth-admin', config, database: { schema: options.schema ?? 'auth', migrations: authMigrations } }), AuthAdminModule.withScrypt(scrypt)],
  })
  class AuthAdminRootModule {}
  const app = await NestFactory.createApplicationContext(AuthAdminRootModule, { logger: false, abortOnError: false });
  const database = app.get(AuthDatabase);
  const audit = app.get(AuditService);
  const users = app.get(UserService);
  const directory = app.get(DirectoryService);

  async function resetPassword(user: UserRecord): Promise<string> {
    const password = generatePassword();
    const passwordHash = await hashPassword(password, scrypt);
    await database.transaction(async (repositories) => {
      await repositories.users.updatePassword(user.id, passwordHash, { revokeTokens: true });
      await repositories.refreshTokens.revokeAllOfUser(user.id, 'demo password reset');
      await audit.recordIn(repositories, SYSTEM_CONTEXT, { action: 'user.reset_password', outcome: 'success', targetType: 'user', targetId: user.id, details: { reason: 'demo start' } });
    });
    return password;
  }

  async function ensureAccount(email: string, role: Role, scope: { storeId?: string; regionId?: string }): Promise<DemoAccount> {
    const existing = await database.read.users.findLiveByEmail(email);
    if (existing) return { role, email, password: await resetPassword(existing), storeId: scope.storeId };
    const created = await users.create({ email, role, ...scope }, SYSTEM_CONTEXT);
    return { role, email, password: created.generatedPassword!, storeId: scope.storeId };
  }

  return {
    async createUser(input) {
      const created = await users.create(input, SYSTEM_CONTEXT);
      return { user: created.view.user, password: created.generatedPassword! };
    },
    createStore: (input) => directory.createStore({ id: input.id, name: input.name ?? input.id, regionId: input.regionId }, SYSTEM_CONTEXT),
    createRegion: (input) => directory.createRegion({ id: input.id, name: input.name ?? input.id }, SYSTEM_CONTEXT),
    async ensureDemoAccounts(storeIds) {
      if (!(await database.read.stores.regionExists(DEMO_REGION_ID))) await directory.createRegion({ id: DEMO_REGION_ID, name: 'Demo region (every demo store)' }, SYSTEM_CONTEXT);
      for (const storeId of storeIds) {
        const store = await database.read.stores.findStore(storeId);
        if (!store) await directory.createStore({ id: storeId, name: storeId, regionId: DEMO_REGION_ID }, SYSTEM_CONTEXT);
        else if (store.regionId !== DEMO_REGION_ID) {
          await database.transaction(async (repositories) => {
            await repositories.stores.upsertStore({ id: storeId, name: store.name, regionId: DEMO_REGION_ID });
            await audit.recordIn(repositories, SYSTEM_CONTEXT, { action: 'store.update', outcome: 'success', targetType: 'store', targetId: storeId, storeId, details: { regionId: DEMO_REGION_ID } });
          });
        }
      }
      const accounts: DemoAccount[] = [];
      accounts.push(await ensureAccount('admin@demo.tessera.local', 'admin', {}));
      accounts.push(await ensureAccount('coordinator@demo.tessera.local', 'regional_coordinator', { regionId: DEMO_REGION_ID }));
      for (const storeId of storeIds) accounts.push(await ensureAccount(`manager.${storeId}@demo.tessera.local`, 'store_manager', { storeId }));
      return accounts;
    },
    async close() {
      await app.close();
    },
  };
}
