import { AuthError, type RegionRecord, type RequestContext, type StoreRecord } from '../auth.model';
import { Injectable } from '@nestjs/common';
import { isUniqueViolation, AuthDatabase } from '../repositories';
import { AuditService } from '../audit/audit.service';
import { denialReason, isAdministrator } from '../access/actor-rules.util';

export const STORE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const REGION_ID = STORE_ID;

/** Stores and regions: which stores a coordinator's region holds. */
@Injectable()
export class DirectoryService {
  constructor(
    private readonly database: AuthDatabase,
    private readonly audit: AuditService,
  ) {}

  async createRegion(input: { id: string; name: string }, context: RequestContext): Promise<RegionRecord> {
    const refuse = async (kind: 'invalid' | 'forbidden' | 'conflict', message: string) => {
      await this.audit.record(context, { action: 'region.create', outcome: kind === 'forbidden' ? 'denied' : 'failure', targetType: 'region', targetId: input.id, reason: message });
      return new AuthError(kind, message);
    };
    if (!isAdministrator(context.actor)) throw await refuse('forbidden', denialReason(context.actor, 'create regions'));
    if (!REGION_ID.test(input.id)) throw await refuse('invalid', 'region id must be letters, digits, _ . - (at most 64)');
    try {
      return await this.database.transaction(async (repositories) => {
        const region = await repositories.stores.insertRegion({ id: input.id, name: input.name.trim() || input.id });
        await this.audit.recordIn(repositories, context, { action: 'region.create', outcome: 'success', targetType: 'region', targetId: region.id, details: { name: region.name } });
        return region;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw await refuse('conflict', `region ${input.id} already exists`);
      throw error;
    }
  }

  listRegions(): Promise<RegionRecord[]> {
    return this.database.read.stores.listRegions();
  }

  async createStore(input: { id: string; name: string; regionId?: string }, context: RequestContext): Promise<StoreRecord> {
    const refuse = async (kind: 'invalid' | 'forbidden' | 'conflict' | 'not_found', message: string) => {
      await this.audit.record(context, { action: 'store.create', outcome: kind === 'forbidden' ? 'denied' : 'failure', targetType: 'store', targetId: input.id, storeId: input.id, reason: message });
      return new AuthError(kind, message);
    };
    if (!isAdministrator(context.actor)) throw await refuse('forbidden', denialReason(context.actor, 'register stores'));
    if (!STORE_ID.test(input.id)) throw await refuse('invalid', 'store id must be letters, digits, _ . - (at most 64)');
    if (input.regionId && !(await this.database.read.stores.regionExists(input.regionId))) throw await refuse('not_found', `region ${input.regionId} does not exist; create it first (POST /api/regions)`);
    try {
      return await this.database.transaction(async (repositories) => {
        const store = await repositories.stores.insertStore({ id: input.id, name: input.name.trim() || input.id, regionId: input.regionId || null });
        await this.audit.recordIn(repositories, context, { action: 'store.create', outcome: 'success', targetType: 'store', targetId: store.id, storeId: store.id, details: { name: store.name, regionId: store.regionId } });
        return store;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw await refuse('conflict', `store ${input.id} is already registered`);
      throw error;
    }
  }

  listStores(ids?: string[]): Promise<StoreRecord[]> {
    return this.database.read.stores.listStores(ids);
  }
}
