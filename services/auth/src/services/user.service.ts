import { randomUUID } from 'node:crypto';
import { AuthError, ROLES, type RequestContext, type Role, type StoreRecord, type UserRecord } from '../auth.model';
import { Inject, Injectable } from '@nestjs/common';
import { isUniqueViolation, AuthDatabase } from '../repositories';
import { AuditService } from '../audit/audit.service';
import { USER_OPTIONS } from '../auth.tokens';
import { denialReason, isAdministrator } from '../access/actor-rules.util';
import { hashPassword, type ScryptParameters } from '../passwords/password-hash';
import { checkPassword, generatePassword, type PasswordPolicy } from '../passwords/password-policy.util';

export interface NewUser {
  email: string;
  role: Role;
  storeId?: string;
  regionId?: string;
  /** Omit to generate one, returned once. */
  password?: string;
}

export interface UserView {
  user: UserRecord;
  store?: StoreRecord;
}

/** Who a user is now, for the gateway: their stores, and since when their tokens count. */
export interface Principal extends UserView {
  storeIds: string[];
  allStores: boolean;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;

/** Accounts: created by an administrator (or the operator's CLI), deleted softly. */
@Injectable()
export class UserService {
  constructor(
    private readonly database: AuthDatabase,
    private readonly audit: AuditService,
    @Inject(USER_OPTIONS) private readonly options: { passwordPolicy: PasswordPolicy; scrypt: ScryptParameters },
  ) {}

  async create(input: NewUser, context: RequestContext): Promise<{ view: UserView; generatedPassword?: string }> {
    const email = input.email.trim().toLowerCase();
    const refuse = async (kind: 'invalid' | 'forbidden' | 'conflict' | 'not_found', message: string) => {
      await this.audit.record(context, {
        action: 'user.create',
        outcome: kind === 'forbidden' ? 'denied' : 'failure',
        targetType: 'user',
        storeId: input.storeId,
        reason: message,
        details: { email, role: input.role },
      });
      return new AuthError(kind, message);
    };
    if (!isAdministrator(context.actor)) throw await refuse('forbidden', denialReason(context.actor, 'create users'));
    const problems = validateNewUser({ ...input, email });
    if (problems.length) throw await refuse('invalid', problems.join('; '));
    const generatedPassword = input.password ? undefined : generatePassword();
    const password = input.password ?? generatedPassword!;
    const passwordProblems = checkPassword(password, { email }, this.options.passwordPolicy);
    if (passwordProblems.length) throw await refuse('invalid', `password not accepted: ${passwordProblems.join('; ')}`);
    const storeId = input.role === 'store_manager' ? input.storeId! : null;
    const regionId = input.role === 'regional_coordinator' ? input.regionId! : null;
    const store = storeId ? await this.database.read.stores.findStore(storeId) : undefined;
    if (storeId && !store) throw await refuse('not_found', `store ${storeId} is not registered; create it first (POST /api/stores)`);
    if (regionId && !(await this.database.read.stores.regionExists(regionId))) throw await refuse('not_found', `region ${regionId} does not exist; create it first (POST /api/regions)`);

    const passwordHash = await hashPassword(password, this.options.scrypt);
    try {
      const user = await this.database.transaction(async (repositories) => {
        const created = await repositories.users.insert({ id: randomUUID(), email, role: input.role, storeId, regionId, passwordHash });
        await this.audit.recordIn(repositories, context, {
          action: 'user.create',
          outcome: 'success',
          targetType: 'user',
          targetId: created.id,
          storeId: storeId ?? undefined,
          details: { email, role: input.role, regionId, generated: Boolean(generatedPassword) },
        });
        return created;
      });
      return { view: { user, store }, generatedPassword };
    } catch (error) {
      if (isUniqueViolation(error)) throw await refuse('conflict', `an account with email ${email} already exists`);
      throw error;
    }
  }

  async list(context: RequestContext): Promise<UserView[]> {
    if (!isAdministrator(context.actor)) throw new AuthError('forbidden', denialReason(context.actor, 'list users'));
    const users = await this.database.read.users.listLive();
    const stores = new Map((await this.database.read.stores.listStores()).map((store) => [store.id, store]));
    return users.map((user) => ({ user, store: user.storeId ? stores.get(user.storeId) : undefined }));
  }

  /** Deletes an account: its sessions end now and its access tokens are refused from now on. */
  async delete(userId: string, context: RequestContext): Promise<void> {
    const refuse = async (kind: 'forbidden' | 'not_found' | 'invalid', message: string) => {
      await this.audit.record(context, { action: 'user.delete', outcome: kind === 'forbidden' ? 'denied' : 'failure', targetType: 'user', targetId: userId, reason: message });
      return new AuthError(kind, message);
    };
    if (!isAdministrator(context.actor)) throw await refuse('forbidden', denialReason(context.actor, 'delete users'));
    if (context.actor.type === 'user' && context.actor.id === userId) throw await refuse('invalid', 'you cannot delete your own account; ask another admin');
    const user = await this.database.read.users.findLive(userId);
    if (!user) throw await refuse('not_found', `no account ${userId}`);
    await this.database.transaction(async (repositories) => {
      await repositories.users.markDeleted(userId);
      const revoked = await repositories.refreshTokens.revokeAllOfUser(userId, 'account deleted');
      await this.audit.recordIn(repositories, context, {
        action: 'user.delete',
        outcome: 'success',
        targetType: 'user',
        targetId: userId,
        storeId: user.storeId ?? undefined,
        details: { email: user.email, role: user.role, revokedCount: revoked },
      });
    });
  }

  async principal(userId: string): Promise<Principal> {
    const user = await this.database.read.users.findLive(userId);
    if (!user) throw new AuthError('not_found', 'this account no longer exists');
    const store = user.storeId ? await this.database.read.stores.findStore(user.storeId) : undefined;
    if (user.role === 'admin') return { user, storeIds: [], allStores: true };
    if (user.role === 'store_manager') return { user, store, storeIds: [user.storeId!], allStores: false };
    return { user, storeIds: await this.database.read.stores.storeIdsOfRegion(user.regionId!), allStores: false };
  }

  async view(userId: string): Promise<UserView> {
    const { user, store } = await this.principal(userId);
    return { user, store };
  }

  /** Creates the first admin from configuration when there is none; never with a default password. */
  async bootstrapAdmin(email: string, password: string): Promise<UserRecord | undefined> {
    if (!email) return undefined;
    if ((await this.database.read.users.countLiveAdmins()) > 0) return undefined;
    if (!password) throw new AuthError('invalid', 'BOOTSTRAP_ADMIN_EMAIL is set but BOOTSTRAP_ADMIN_PASSWORD is not; there is no default password');
    const { view } = await this.create({ email, role: 'admin', password }, { actor: { type: 'system', id: 'bootstrap-config' } });
    return view.user;
  }
}

export function validateNewUser(input: NewUser): string[] {
  const problems: string[] = [];
  if (!EMAIL.test(input.email)) problems.push(`"${input.email}" is not an email address`);
  if (!ROLES.includes(input.role)) problems.push(`role must be one of ${ROLES.join(', ')}`);
  if (input.role === 'store_manager' && !input.storeId) problems.push('a store_manager needs a storeId');
  if (input.role !== 'store_manager' && input.storeId) problems.push(`only a store_manager has a storeId (this is a ${input.role})`);
  if (input.role === 'regional_coordinator' && !input.regionId) problems.push('a regional_coordinator needs a regionId');
  if (input.role !== 'regional_coordinator' && input.regionId) problems.push(`only a regional_coordinator has a regionId (this is a ${input.role})`);
  return problems;
}
