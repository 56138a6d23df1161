import { Inject, Injectable } from '@nestjs/common';
import type { Caller } from '../http/caller';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { requestContext } from '../access/request-principal';
import { regionJson, storeJson } from '../auth/auth.json';

@Injectable()
export class DirectoryService {
  constructor(@Inject(AUTH_CLIENT) private readonly auth: AuthClient) {}

  async regions(caller: Caller) {
    const { regions } = await this.auth.call((c) => c.listRegions, { context: caller.context }, caller.requestId);
    return { regions: regions.map(regionJson) };
  }

  async createRegion(id: string, name: string, caller: Caller) {
    const { region } = await this.auth.call((c) => c.createRegion, { id, name, context: caller.context }, caller.requestId);
    return { region: regionJson(region!) };
  }

  async createStore(id: string, name: string, regionId: string | undefined, caller: Caller) {
    const { store } = await this.auth.call((c) => c.createStore, { id, name, regionId: regionId ?? '', context: caller.context }, caller.requestId);
    return { store: storeJson(store!) };
  }
}
