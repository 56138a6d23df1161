import assert from 'node:assert/strict';
import { createInProcessBus, type BusMessage } from '@tessera/bus';
import { createLogger } from '@tessera/common';
import { ingestionV1, insightsV1, schedulerV1 } from '@tessera/proto';
import type { InsightsConfig } from '../insights.config';
import type { ConsortiumInsightsService } from './consortium-insights.service';
import { RefreshScheduler } from './refresh.scheduler';
import type { StoreInsightsService } from './store-insights.service';

function setup(role: InsightsConfig['INSIGHTS_ROLE']) {
  const calls: string[] = [];
  const store = {
    storeIds: async () => ['s1', 's2'],
    refresh: async (storeId: string) => (calls.push(`full:${storeId}`), ['forecasts', 'prices', 'bundles', 'stock-alerts']),
    refreshBundles: async (storeId: string) => (calls.push(`bundles:${storeId}`), ['bundles']),
  } as unknown as StoreInsightsService;
  const consortium = { refresh: async () => (calls.push('consortium'), ['bundles']) } as unknown as ConsortiumInsightsService;
  const bus = createInProcessBus();
  const config = { INSIGHTS_ROLE: role, INSIGHTS_REFRESH_DEBOUNCE_MS: 40, REFRESHED_TOPIC: 'insights.refreshed.v1' } as InsightsConfig;
  const scheduler = new RefreshScheduler(store, consortium, bus, config, createLogger('spec', 'silent'));
  return { calls, bus, scheduler };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
const roundEvent = (status: string, kind = 'itemsets'): BusMessage => ({ topic: 't', partition: 0, offset: '0', key: 'r1', value: Buffer.from(JSON.stringify({ roundId: 'r1', kind, status })), headers: {} }) as unknown as BusMessage;
const batchEvent = (storeId: string): BusMessage => ({ topic: 't', partition: 0, offset: '0', key: storeId, value: Buffer.from(ingestionV1.IngestionBatchCommitted.encode({ storeId, source: 'file', fileId: '', stored: '1', duplicates: '0', rejected: '0', firstOccurredAt: '', lastOccurredAt: '' } as ingestionV1.IngestionBatchCommitted).finish()), headers: {} }) as unknown as BusMessage;

const refreshRequest = (storeId: string): BusMessage => ({ topic: 't', partition: 0, offset: '0', key: storeId || 'hub', value: Buffer.from(schedulerV1.InsightsRefreshRequested.encode({ storeId, scheduleId: 'sch-1', requestedAt: '2026-01-01T00:00:00Z' }).finish()), headers: {} }) as unknown as BusMessage;

describe('refresh scheduler', () => {
  it("refreshes on the scheduler's requests: a store's on its node, everything for a hub-wide one", async () => {
    const node = setup('store-node');
    await node.scheduler.onRefreshRequests([refreshRequest('s2'), refreshRequest('elsewhere')]);
    await settle();
    assert.deepEqual(node.calls, ['full:s2'], 'a node refreshes only the stores it holds');
    node.calls.length = 0;
    await node.scheduler.onRefreshRequests([refreshRequest('')]);
    await settle();
    assert.deepEqual(node.calls.sort(), ['full:s1', 'full:s2']);
    const hub = setup('hub');
    await hub.scheduler.onRefreshRequests([refreshRequest('s1'), refreshRequest(''), { ...refreshRequest(''), value: Buffer.from([0xff, 0xff]) } as BusMessage]);
    await settle();
    assert.deepEqual(hub.calls, ['consortium'], "the hub computes no store's insights");
    await node.scheduler.onModuleDestroy();
    await hub.scheduler.onModuleDestroy();
  });

  it('folds the events of a quiet period into one refresh per store', async () => {
    const { calls, scheduler } = setup('store-node');
    await scheduler.onBatchEvents([batchEvent('s1'), batchEvent('s1'), batchEvent('s2')]);
    await scheduler.onBatchEvents([batchEvent('s1')]);
    await settle();
    assert.deepEqual(calls.sort(), ['full:s1', 'full:s2']);
    await scheduler.onModuleDestroy();
  });

  it("refreshes the consortium and every store's bundles after an itemset round, and a pending full refresh wins", async () => {
    const { calls, scheduler } = setup('both');
    await scheduler.onBatchEvents([batchEvent('s1')]);
    await scheduler.onRoundEvents([roundEvent('measuring'), roundEvent('completed')]);
    await settle();
    assert.deepEqual(calls.sort(), ['bundles:s2', 'consortium', 'full:s1']);
    calls.length = 0;
    await scheduler.onRoundEvents([roundEvent('completed', 'demand-series')]);
    await settle();
    assert.deepEqual(calls, ['consortium'], 'a demand-series round changes no store bundle');
    await scheduler.onModuleDestroy();
  });

  it('keeps to its role', async () => {
    const hub = setup('hub');
    await hub.scheduler.onBatchEvents([batchEvent('s1')]);
    await hub.scheduler.onRoundEvents([roundEvent('completed')]);
    await settle();
    assert.deepEqual(hub.calls, ['consortium']);
    const node = setup('store-node');
    await node.scheduler.onRoundEvents([roundEvent('completed')]);
    await settle();
    assert.deepEqual(node.calls.sort(), ['bundles:s1', 'bundles:s2']);
    await hub.scheduler.onModuleDestroy();
    await node.scheduler.onModuleDestroy();
  });

  it('announces each refresh on insights.refreshed.v1', async () => {
    const { bus, scheduler } = setup('store-node');
    const seen: insightsV1.InsightsRefreshed[] = [];
    const subscription = await bus.subscribe({ groupId: 'spec', topics: ['insights.refreshed.v1'], fromBeginning: true }, async (batch) => {
      for (const message of batch) seen.push(insightsV1.InsightsRefreshed.decode(message.value));
    });
    await scheduler.run({ scope: 'store', storeId: 's1' }, 'manual');
    await settle();
    assert.equal(seen.length, 1);
    assert.equal(seen[0].scope, insightsV1.Scope.SCOPE_STORE);
    assert.equal(seen[0].storeId, 's1');
    assert.deepEqual(seen[0].kinds, ['forecasts', 'prices', 'bundles', 'stock-alerts']);
    await subscription.close();
    await scheduler.onModuleDestroy();
    await bus.close();
  });
});
