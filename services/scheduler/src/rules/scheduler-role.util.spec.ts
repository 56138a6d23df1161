import assert from 'node:assert/strict';
import { validateSchedule, ScheduleInputError } from './schedule-input.util';
import { StoreNotServedError, checkScheduleForRole, checkStoreServed, roleRuns, schedulerRoleRules } from './scheduler-role.util';

const hub = schedulerRoleRules('hub', null);
const node = schedulerRoleRules('store-node', ['store-a', 'store-b']);
const all = schedulerRoleRules('all', null);
const schedule = (kind: string, storeId = '', parameters: Record<string, unknown> = {}) => validateSchedule({ kind, cron: '0 2 * * *', storeId, parametersJson: JSON.stringify(parameters), description: '' });
const refusal = (rules: typeof hub, input: ReturnType<typeof schedule>) => {
  try {
    checkScheduleForRole(rules, input);
    return undefined;
  } catch (error) {
    return error as Error;
  }
};

describe('what a scheduler of each role runs', () => {
  test('the hub refuses mining and store data retention, naming the kind and the role', () => {
    const mining = refusal(hub, schedule('mining', 'store-a'));
    assert.ok(mining instanceof ScheduleInputError);
    assert.match(mining.message, /^kind: mining is not run by the hub scheduler/);
    for (const dataClass of ['raw_transactions', 'uploaded_files']) assert.match(String(refusal(hub, schedule('retention_sweep', '', { dataClass }))), new RegExp(`parameters.dataClass: a retention_sweep of ${dataClass} is not run by the hub scheduler`));
    assert.match(String(refusal(hub, schedule('insights_refresh', 'store-a'))), /^ScheduleInputError: storeId: /);
    for (const ok of [schedule('federated_round'), schedule('insights_refresh'), schedule('retention_sweep', '', { dataClass: 'audit' }), schedule('retention_sweep', 'store-a', { dataClass: 'audit' }), schedule('retention_sweep', '', { dataClass: 'round_artefacts' })]) assert.equal(refusal(hub, ok), undefined, ok.kind);
  });

  test("the store node refuses rounds and the hub's retention, naming the kind and the role, and stores outside NODE_STORE_IDS, naming the store", () => {
    assert.match(String(refusal(node, schedule('federated_round'))), /kind: federated_round is not run by the store-node scheduler/);
    for (const dataClass of ['audit', 'round_artefacts']) assert.match(String(refusal(node, schedule('retention_sweep', '', { dataClass }))), /is not run by the store-node scheduler/);
    const foreign = refusal(node, schedule('mining', 'store-c'));
    assert.ok(foreign instanceof StoreNotServedError);
    assert.match(foreign.message, /store store-c is not served by this store-node scheduler \(NODE_STORE_IDS: store-a, store-b\)/);
    assert.ok(refusal(node, schedule('insights_refresh', 'store-c')) instanceof StoreNotServedError);
    assert.throws(() => checkStoreServed(node, 'store-c'), StoreNotServedError);
    for (const ok of [schedule('mining', 'store-a'), schedule('insights_refresh'), schedule('insights_refresh', 'store-b'), schedule('retention_sweep', '', { dataClass: 'raw_transactions' }), schedule('retention_sweep', 'store-a', { dataClass: 'uploaded_files' })]) assert.equal(refusal(node, ok), undefined, ok.kind);
  });

  test('all runs everything, for any store; only the hub takes no erasure', () => {
    for (const kind of ['mining', 'federated_round', 'insights_refresh']) assert.equal(refusal(all, schedule(kind, kind === 'mining' ? 'store-z' : '')), undefined);
    for (const dataClass of ['raw_transactions', 'uploaded_files', 'audit', 'round_artefacts']) assert.equal(refusal(all, schedule('retention_sweep', '', { dataClass })), undefined);
    assert.deepEqual([hub.erasure, node.erasure, all.erasure], [false, true, true]);
  });

  test('an existing schedule of a foreign kind is not run by the role', () => {
    assert.equal(roleRuns(hub, { kind: 'mining', store_id: 'store-a', parameters: {} }), false);
    assert.equal(roleRuns(node, { kind: 'mining', store_id: 'store-c', parameters: {} }), false);
    assert.equal(roleRuns(node, { kind: 'mining', store_id: 'store-a', parameters: {} }), true);
    assert.equal(roleRuns(hub, { kind: 'retention_sweep', store_id: null, parameters: { dataClass: 'raw_transactions' } }), false);
  });
});
