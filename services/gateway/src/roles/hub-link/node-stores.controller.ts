import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ingestionV1 } from '@tessera/proto';
import { Access } from '../../access/access.decorator';
import { ALL_ROLES } from '../../access/access-policy';
import { INGESTION_CLIENT } from '../../clients/ingestion.client';
import { Downstream } from '../../clients/downstream';
import { CurrentCaller, type Caller } from '../../http/caller';
import { HUB_LINK, type HubLink } from './hub-link';
import { HubForward, type Forward } from './node-front-door.controllers';
import { NODE_STORE_IDS } from './node-principal.service';

interface HubStore {
  storeId: string;
  name: string | null;
  regionId: string | null;
}

/**
 * The stores a caller reaches on this node (the dashboard's store list): this node's stores in
 * the caller's scope, with the counts its ingestion service holds, and the names the hub
 * registered (GET /api/stores with the caller's token; without names while the hub is
 * unreachable). The counts never leave the node.
 */
@ApiTags('stores')
@Controller('api/stores')
export class NodeStoresController {
  constructor(
    @Inject(INGESTION_CLIENT) private readonly ingestion: ingestionV1.IngestionServiceClient,
    @Inject(HUB_LINK) private readonly hub: HubLink,
    @Inject(NODE_STORE_IDS) private readonly nodeStores: string[],
    private readonly downstream: Downstream,
  ) {}

  @Get()
  @Access({ roles: ALL_ROLES, store: 'scope' })
  @ApiOperation({ summary: 'The stores you reach (a manager: theirs; a coordinator: their region’s; an admin: all), with ingested counts' })
  async list(@CurrentCaller() caller: Caller, @HubForward() forward: Forward) {
    const scope = (caller.visibleStores ?? this.nodeStores).filter((id) => this.nodeStores.includes(id));
    if (scope.length === 0) return { stores: [] };
    const [summaries, registered] = await Promise.all([
      this.downstream.unary('ingestion', this.ingestion.listStoreSummaries.bind(this.ingestion), { storeIds: scope }, caller.requestId),
      this.registered(forward),
    ]);
    const summaryOf = new Map(summaries.stores.map((summary) => [summary.storeId, summary]));
    return {
      stores: [...scope].sort().map((storeId) => {
        const store = registered.get(storeId);
        const summary = summaryOf.get(storeId);
        return {
          storeId,
          name: store?.name ?? null,
          regionId: store?.regionId ?? null,
          registered: Boolean(store),
          transactionCount: Number(summary?.transactionCount ?? 0),
          fileCount: Number(summary?.fileCount ?? 0),
          rejectedEventCount: Number(summary?.rejectedEventCount ?? 0),
          firstTransactionAt: summary?.firstTransactionAt || undefined,
          lastTransactionAt: summary?.lastTransactionAt || undefined,
          totalUtility: Number(summary?.totalUtilityCents ?? 0) / 100,
        };
      }),
    };
  }

  /** The hub's registered stores the caller reaches; empty when the hub cannot say. */
  private async registered(forward: Forward): Promise<Map<string, HubStore>> {
    try {
      const answer = await this.hub.request({ ...forward, method: 'GET', path: '/api/stores' });
      const stores = answer.status === 200 ? (answer.body as { stores?: HubStore[] }).stores : undefined;
      return new Map((Array.isArray(stores) ? stores : []).map((store) => [store.storeId, store]));
    } catch {
      return new Map();
    }
  }
}
