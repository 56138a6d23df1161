import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Caller } from '../http/caller';
import { ingestionV1 } from '@tessera/proto';
import { INGESTION_CLIENT } from '../clients/ingestion.client';
import { AUTH_CLIENT, type AuthClient } from '../clients/auth.client';
import { visibleStores } from '../access/request-principal';
import { Downstream } from '../clients/downstream';

/**
 * Stores the caller reaches: registered ones (auth) merged with those holding data
 * (ingestion). The hub role has no ingestion client: there the list is the registered
 * stores only, without counts (a store's counts stay on its node).
 */
@Injectable()
export class StoresService {
  constructor(
    @Inject(AUTH_CLIENT) private readonly auth: AuthClient,
    private readonly downstream: Downstream,
    @Optional() @Inject(INGESTION_CLIENT) private readonly ingestion?: ingestionV1.IngestionServiceClient,
  ) {}

  async list(caller: Caller) {
    const scope = caller.visibleStores;
    // An empty scope (a coordinator of an empty region) must not become "every store" downstream.
    if (scope && scope.length === 0) return { stores: [] };
    const requestId = caller.requestId;
    const [summaries, registered] = await Promise.all([
      this.ingestion ? this.downstream.unary('ingestion', this.ingestion.listStoreSummaries.bind(this.ingestion), { storeIds: scope ?? [] }, requestId) : { stores: [] },
      this.auth.call((c) => c.listStores, { storeIds: scope ?? [] }, requestId),
    ]);
    const summaryOf = new Map(summaries.stores.filter((s) => !scope || scope.includes(s.storeId)).map((s) => [s.storeId, s]));
    const registeredOf = new Map(registered.stores.map((store) => [store.id, store]));
    const ids = [...new Set([...registeredOf.keys(), ...summaryOf.keys()])].sort();
    const stores = ids.map((storeId) => {
      const store = registeredOf.get(storeId);
      const summary = summaryOf.get(storeId);
      const base = { storeId, name: store?.name ?? null, regionId: store?.regionId || null, registered: Boolean(store) };
      if (!this.ingestion) return base;
      return {
        ...base,
        transactionCount: Number(summary?.transactionCount ?? 0),
        fileCount: Number(summary?.fileCount ?? 0),
        rejectedEventCount: Number(summary?.rejectedEventCount ?? 0),
        firstTransactionAt: summary?.firstTransactionAt || undefined,
        lastTransactionAt: summary?.lastTransactionAt || undefined,
        totalUtility: Number(summary?.totalUtilityCents ?? 0) / 100,
      };
    });
    return { stores };
  }
}
