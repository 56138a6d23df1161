import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Bus, BusMessage } from '@tessera/bus';
import type { Logger } from '@tessera/common';
import { BUS, LOGGER, SERVICE_CONFIG } from '@tessera/nest-core';
import { ingestionV1, insightsV1, schedulerV1 } from '@tessera/proto';
import type { InsightsConfig } from '../insights.config';
import { ConsortiumInsightsService } from './consortium-insights.service';
import { StoreInsightsService } from './store-insights.service';

/** A store's full refresh (its data changed) or its bundles only (a round completed), or the consortium's. */
type Target = { scope: 'store'; storeId: string; bundlesOnly?: boolean } | { scope: 'consortium' };

const keyOf = (target: Target) => (target.scope === 'store' ? `store:${target.storeId}` : 'consortium');

/**
 * Recomputes insights after each completed round and each committed batch, debounced: events
 * for the same store (or the consortium) within the quiet time fold into one refresh, and
 * refreshes run one at a time (forecasting is CPU-bound). Each finished refresh is announced
 * on insights.refreshed.v1.
 */
@Injectable()
export class RefreshScheduler implements OnModuleDestroy {
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; target: Target; triggers: Set<string> }>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  readonly isStoreNode: boolean;
  readonly isHub: boolean;

  constructor(
    private readonly store: StoreInsightsService,
    private readonly consortium: ConsortiumInsightsService,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(SERVICE_CONFIG) private readonly config: InsightsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.isStoreNode = config.INSIGHTS_ROLE !== 'hub';
    this.isHub = config.INSIGHTS_ROLE !== 'store-node';
  }

  /** federation.rounds.v1: a completed round changes the consortium's results and every store's bundles. */
  async onRoundEvents(batch: readonly BusMessage[]): Promise<void> {
    for (const message of batch) {
      let event: { roundId?: string; status?: unknown; kind?: unknown };
      try {
        event = JSON.parse(message.value.toString('utf8'));
      } catch {
        this.logger.warn({ offset: message.offset }, 'ignoring a federation.rounds.v1 event that is not JSON');
        continue;
      }
      if (event.status !== 'completed') continue;
      const trigger = `round ${event.roundId ?? ''}`;
      if (this.isHub) this.schedule({ scope: 'consortium' }, trigger);
      // Only itemset rounds change what a store's bundles show.
      if (this.isStoreNode && (event.kind === undefined || event.kind === 'itemsets')) {
        const storeIds = await this.store.storeIds().catch(() => [] as string[]);
        for (const storeId of storeIds) this.schedule({ scope: 'store', storeId, bundlesOnly: true }, trigger);
      }
    }
  }

  /** ingestion.batches.v1: the store has new transactions. */
  async onBatchEvents(batch: readonly BusMessage[]): Promise<void> {
    if (!this.isStoreNode) return;
    for (const message of batch) {
      let storeId: string;
      try {
        storeId = ingestionV1.IngestionBatchCommitted.decode(message.value).storeId;
      } catch {
        continue;
      }
      if (storeId) this.schedule({ scope: 'store', storeId }, 'ingestion');
    }
  }

  /**
   * insights.refresh.requested.v1 (an insights_refresh schedule of the scheduler): a store id
   * asks for that store's full refresh (on the node holding it); an empty one (key `hub`) asks
   * for everything: the consortium's results on the hub, every store's on a node.
   */
  async onRefreshRequests(batch: readonly BusMessage[]): Promise<void> {
    for (const message of batch) {
      let request: schedulerV1.InsightsRefreshRequested;
      try {
        request = schedulerV1.InsightsRefreshRequested.decode(message.value);
      } catch {
        this.logger.warn({ offset: message.offset }, 'ignoring an insights.refresh.requested.v1 event that does not decode');
        continue;
      }
      const trigger = `schedule ${request.scheduleId}`;
      if (request.storeId) {
        // A node refreshes only a store it holds: another node's store is not its to compute.
        if (this.isStoreNode && (await this.holds(request.storeId))) this.schedule({ scope: 'store', storeId: request.storeId }, trigger);
        continue;
      }
      if (this.isHub) this.schedule({ scope: 'consortium' }, trigger);
      if (this.isStoreNode) for (const storeId of await this.store.storeIds().catch(() => [] as string[])) this.schedule({ scope: 'store', storeId }, trigger);
    }
  }

  private async holds(storeId: string): Promise<boolean> {
    return (await this.store.storeIds().catch(() => [] as string[])).includes(storeId);
  }

  /** The stores this node holds. */
  storeIds(): Promise<string[]> {
    return this.store.storeIds();
  }

  /** Refresh after the quiet time; a new event for the same target restarts the wait. */
  schedule(target: Target, trigger: string): void {
    if (this.closed) return;
    const key = keyOf(target);
    const pending = this.timers.get(key);
    if (pending) clearTimeout(pending.timer);
    const triggers = pending?.triggers ?? new Set<string>();
    triggers.add(trigger);
    // A pending full refresh already covers the bundles.
    const merged: Target = target.scope === 'store' && pending?.target.scope === 'store' ? { ...target, bundlesOnly: Boolean(target.bundlesOnly && pending.target.bundlesOnly) } : target;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      void this.run(merged, [...triggers].join(', ')).catch(() => undefined);
    }, this.config.INSIGHTS_REFRESH_DEBOUNCE_MS);
    this.timers.set(key, { timer, target: merged, triggers });
  }

  /** Refresh now (queued behind any running refresh); resolves with the kinds refreshed. */
  run(target: Target, trigger: string): Promise<string[]> {
    const next = this.queue.then(() => this.refresh(target, trigger));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async refresh(target: Target, trigger: string): Promise<string[]> {
    const started = Date.now();
    try {
      const kinds = target.scope === 'consortium' ? await this.consortium.refresh() : target.bundlesOnly ? await this.store.refreshBundles(target.storeId) : await this.store.refresh(target.storeId);
      this.logger.info({ target: keyOf(target), trigger, kinds, ms: Date.now() - started }, 'insights refreshed');
      const event = insightsV1.InsightsRefreshed.encode({
        scope: target.scope === 'store' ? insightsV1.Scope.SCOPE_STORE : insightsV1.Scope.SCOPE_CONSORTIUM,
        storeId: target.scope === 'store' ? target.storeId : '',
        kinds,
        refreshedAt: new Date().toISOString(),
        trigger,
      }).finish();
      await this.bus
        .publish(this.config.REFRESHED_TOPIC, [{ key: target.scope === 'store' ? target.storeId : 'consortium', value: Buffer.from(event), headers: { 'content-type': 'application/x-protobuf', 'message-type': 'tessera.insights.v1.InsightsRefreshed' } }])
        .catch((error) => this.logger.warn({ err: error }, 'could not publish insights.refreshed.v1'));
      return kinds;
    } catch (error) {
      this.logger.error({ err: error, target: keyOf(target), trigger }, 'insights refresh failed; the previous results stay');
      throw error;
    }
  }

  async onModuleDestroy() {
    this.closed = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.queue;
  }
}
