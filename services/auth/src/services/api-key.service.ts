import { randomBytes, randomUUID } from 'node:crypto';
import { AuthError, type ApiKeyRecord, type RequestContext } from '../auth.model';
import { Injectable } from '@nestjs/common';
import { AuthDatabase } from '../repositories';
import { AuditService } from '../audit/audit.service';
import { denialReason, mayManageStoreKeys } from '../access/actor-rules.util';
import { hashOpaqueToken } from '../tokens/refresh-rotation.util';

const KEY_PREFIX = 'tsk_';

/**
 * API keys for store systems (a POS posting events, a back office uploading files): one
 * store, ingestion only. The key is shown once at creation and stored as its SHA-256.
 */
@Injectable()
export class ApiKeyService {
  constructor(
    private readonly database: AuthDatabase,
    private readonly audit: AuditService,
  ) {}

  async create(input: { storeId: string; name: string }, context: RequestContext): Promise<{ apiKey: ApiKeyRecord; key: string }> {
    const refuse = async (kind: 'forbidden' | 'not_found' | 'invalid', message: string) => {
      await this.audit.record(context, { action: 'api_key.create', outcome: kind === 'forbidden' ? 'denied' : 'failure', targetType: 'api_key', storeId: input.storeId, reason: message });
      return new AuthError(kind, message);
    };
    if (!mayManageStoreKeys(context.actor, input.storeId)) throw await refuse('forbidden', context.actor.role === 'store_manager' ? `you manage store ${context.actor.storeId}, not ${input.storeId}` : denialReason(context.actor, 'create API keys'));
    const name = input.name.trim();
    if (!name || name.length > 100) throw await refuse('invalid', 'name the key (1 to 100 characters), e.g. the POS it is for');
    if (!(await this.database.read.stores.findStore(input.storeId))) throw await refuse('not_found', `store ${input.storeId} is not registered`);
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const apiKey = await this.database.transaction(async (repositories) => {
      const created = await repositories.apiKeys.insert({
        id: randomUUID(),
        storeId: input.storeId,
        name,
        prefix: key.slice(0, KEY_PREFIX.length + 6),
        keyHash: hashOpaqueToken(key),
        scopes: ['ingestion'],
        createdBy: context.actor.id || null,
      });
      await this.audit.recordIn(repositories, context, { action: 'api_key.create', outcome: 'success', targetType: 'api_key', targetId: created.id, storeId: created.storeId, details: { name, prefix: created.prefix } });
      return created;
    });
    return { apiKey, key };
  }

  async list(storeId: string, context: RequestContext): Promise<ApiKeyRecord[]> {
    if (!mayManageStoreKeys(context.actor, storeId)) throw new AuthError('forbidden', denialReason(context.actor, `list the API keys of store ${storeId}`));
    return this.database.read.apiKeys.listByStore(storeId);
  }

  async revoke(apiKeyId: string, context: RequestContext): Promise<ApiKeyRecord> {
    const existing = await this.database.read.apiKeys.find(apiKeyId);
    const refuse = async (kind: 'forbidden' | 'not_found', message: string) => {
      await this.audit.record(context, { action: 'api_key.revoke', outcome: kind === 'forbidden' ? 'denied' : 'failure', targetType: 'api_key', targetId: apiKeyId, storeId: existing?.storeId, reason: message });
      return new AuthError(kind, message);
    };
    if (!existing) throw await refuse('not_found', `no API key ${apiKeyId}`);
    if (!mayManageStoreKeys(context.actor, existing.storeId)) throw await refuse('forbidden', `this API key belongs to store ${existing.storeId}, which you do not manage`);
    if (existing.revokedAt) throw await refuse('not_found', `API key ${apiKeyId} was already revoked`);
    const revoked = await this.database.transaction(async (repositories) => {
      const changed = await repositories.apiKeys.revoke(apiKeyId);
      if (changed) await this.audit.recordIn(repositories, context, { action: 'api_key.revoke', outcome: 'success', targetType: 'api_key', targetId: apiKeyId, storeId: existing.storeId, details: { prefix: existing.prefix } });
      return changed;
    });
    if (!revoked) throw await refuse('not_found', `API key ${apiKeyId} was already revoked`);
    return revoked;
  }

  /** The key's store and scopes, or UNAUTHENTICATED. */
  async verify(key: string): Promise<ApiKeyRecord> {
    if (!key.startsWith(KEY_PREFIX) || key.length > 100) throw new AuthError('unauthenticated', 'this is not a Tessera API key (they start with tsk_)');
    const apiKey = await this.database.read.apiKeys.findByHash(hashOpaqueToken(key));
    if (!apiKey) throw new AuthError('unauthenticated', 'API key not recognised');
    if (apiKey.revokedAt) throw new AuthError('unauthenticated', `API key ${apiKey.prefix}… was revoked; ask the store manager for a new one`);
    await this.database.read.apiKeys.touch(apiKey.id);
    return apiKey;
  }
}
