import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { requestContext } from '../access/request-principal';
import { requestIdOf } from '../http/request-id';
import { regionJson, storeJson } from '../auth/auth.json';

@Injectable()
export class DirectoryService {
  constructor(@Inject(AUTH_CLIENT) private readonly auth: AuthClient) {}

  async regions(request: Request) {
    const { regions } = await this.auth.call((c) => c.listRegions, { context: requestContext(request) }, requestIdOf(request));
    return { regions: regions.map(regionJson) };
  }

  async createRegion(id: string, name: string, request: Request) {
    const { region } = await this.auth.call((c) => c.createRegion, { id, name, context: requestContext(request) }, requestIdOf(request));
    return { region: regionJson(region!) };
  }

  async createStore(id: string, name: string, regionId: string | undefined, request: Request) {
    const { store } = await this.auth.call((c) => c.createStore, { id, name, regionId: regionId ?? '', context: requestContext(request) }, requestIdOf(request));
    return { store: storeJson(store!) };
  }
}
