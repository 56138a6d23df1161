import assert from 'node:assert/strict';
import { denialReason, isAdministrator, mayManageStoreKeys } from './actor-rules.util';
import type { Actor } from '../auth.model';

const admin: Actor = { type: 'user', id: 'u1', role: 'admin' };
const manager: Actor = { type: 'user', id: 'u2', role: 'store_manager', storeId: 'store-a' };
const coordinator: Actor = { type: 'user', id: 'u3', role: 'regional_coordinator' };
const apiKey: Actor = { type: 'api_key', id: 'k1', storeId: 'store-a' };
const system: Actor = { type: 'system', id: 'cli' };
const anonymous: Actor = { type: 'anonymous', id: '' };

test('administrators are admins and the operator CLI', () => {
  assert.deepEqual([admin, manager, coordinator, apiKey, system, anonymous].map(isAdministrator), [true, false, false, false, true, false]);
});

test("a store's keys are managed by administrators and that store's manager only", () => {
  assert.equal(mayManageStoreKeys(admin, 'store-b'), true);
  assert.equal(mayManageStoreKeys(manager, 'store-a'), true);
  assert.equal(mayManageStoreKeys(manager, 'store-b'), false);
  assert.equal(mayManageStoreKeys(coordinator, 'store-a'), false);
  assert.equal(mayManageStoreKeys(apiKey, 'store-a'), false, 'an API key cannot mint API keys');
  assert.equal(mayManageStoreKeys(anonymous, 'store-a'), false);
});

test('denial reasons say who is missing what', () => {
  assert.match(denialReason(apiKey, 'create users'), /API keys may only send ingestion data/);
  assert.match(denialReason(manager, 'create users'), /store_manager/);
  assert.match(denialReason(anonymous, 'create users'), /sign in/);
});
