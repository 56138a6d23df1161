import assert from 'node:assert/strict';
import type { UserPrincipal } from '../access/access-policy';
import { listingScope, scheduleRefusal } from './schedule-access.util';

const manager: UserPrincipal = { kind: 'user', id: 'm', email: 'm@x', role: 'store_manager', storeId: 'own', storeIds: ['own'], allStores: false };
const coordinator: UserPrincipal = { kind: 'user', id: 'c', email: 'c@x', role: 'regional_coordinator', regionId: 'r', storeIds: ['own', 'region-2'], allStores: false };
const admin: UserPrincipal = { kind: 'user', id: 'a', email: 'a@x', role: 'admin', storeIds: [], allStores: true };

describe('scheduleRefusal', () => {
  it('gives managers their store\'s mining, coordinators the rest in their region or hub-wide, admins everything', () => {
    const cases: [UserPrincipal, string, string, boolean][] = [
      [manager, 'mining', 'own', true],
      [manager, 'mining', 'other', false],
      [manager, 'insights_refresh', 'own', false],
      [manager, 'federated_round', '', false],
      [coordinator, 'mining', 'own', false],
      [coordinator, 'federated_round', '', true],
      [coordinator, 'retention_sweep', 'region-2', true],
      [coordinator, 'insights_refresh', 'other', false],
      [admin, 'mining', 'other', true],
      [admin, 'retention_sweep', '', true],
    ];
    for (const [principal, kind, storeId, allowed] of cases) assert.equal(scheduleRefusal(principal, { kind, storeId }) === undefined, allowed, `${principal.role} ${kind} ${storeId}`);
    assert.match(scheduleRefusal(undefined, { kind: 'mining', storeId: 'own' })!, /sign in/);
  });

  it('lists a manager\'s store, a coordinator\'s region and hub-wide, everything for an admin', () => {
    assert.deepEqual(listingScope(manager), { storeIds: ['own'], includeHubWide: false });
    assert.deepEqual(listingScope(coordinator), { storeIds: ['own', 'region-2'], includeHubWide: true });
    assert.equal(listingScope(admin), 'all');
    assert.deepEqual(listingScope({ ...coordinator, storeIds: [] }), { storeIds: ['\u0000none'], includeHubWide: true });
  });
});
