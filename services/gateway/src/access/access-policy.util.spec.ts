import assert from 'node:assert/strict';
import { evaluateAccess, storeInScope } from './access-policy.util';
import type { AccessPolicy, ApiKeyPrincipal, UserPrincipal } from './access-policy';

const manager: UserPrincipal = { kind: 'user', id: 'm', email: 'm@x', role: 'store_manager', storeId: 'store-a', storeIds: ['store-a'], allStores: false };
const coordinator: UserPrincipal = { kind: 'user', id: 'c', email: 'c@x', role: 'regional_coordinator', regionId: 'north', storeIds: ['store-a', 'store-b'], allStores: false };
const admin: UserPrincipal = { kind: 'user', id: 'a', email: 'a@x', role: 'admin', storeIds: [], allStores: true };
const key: ApiKeyPrincipal = { kind: 'apiKey', id: 'k', prefix: 'tsk_ab', storeId: 'store-a', scopes: ['ingestion'] };

const read: AccessPolicy = { roles: ['store_manager', 'regional_coordinator', 'admin'], store: 'query.storeId' };
const ingest: AccessPolicy = { roles: ['store_manager', 'admin'], apiKey: 'ingestion', store: 'body.storeId', audit: { action: 'transactions.events', by: 'gateway' } };
const adminOnly: AccessPolicy = { roles: ['admin'], store: 'none' };
const query = (storeId?: unknown) => ({ query: storeId === undefined ? {} : { storeId }, body: {} });
const body = (storeId?: unknown) => ({ query: {}, body: storeId === undefined ? {} : { storeId } });

test('public routes need nobody', () => {
  assert.deepEqual(evaluateAccess({ public: true, roles: [], store: 'none' }, undefined, query()), { allowed: true });
});

test('no principal is 401 with how to sign in', () => {
  const decision = evaluateAccess(read, undefined, query('store-a'));
  assert.equal(decision.allowed, false);
  assert.equal(!decision.allowed && decision.status, 401);
  assert.match(!decision.allowed ? decision.message : '', /Authorization: Bearer/);
});

test('a manager reaches only their store, whatever id is in the query', () => {
  assert.deepEqual(evaluateAccess(read, manager, query('store-a')), { allowed: true, storeId: 'store-a' });
  const other = evaluateAccess(read, manager, query('store-b'));
  assert.deepEqual(other, { allowed: false, status: 403, message: 'you manage store store-a; store store-b is not yours' });
});

test("a coordinator reaches their region's stores only", () => {
  assert.equal(evaluateAccess(read, coordinator, query('store-b')).allowed, true);
  const outside = evaluateAccess(read, coordinator, query('store-z'));
  assert.equal(!outside.allowed && outside.status, 403);
  assert.match(!outside.allowed ? outside.message : '', /not in your region \(north\)/);
});

test('an admin reaches every store', () => {
  assert.equal(evaluateAccess(read, admin, query('anything')).allowed, true);
  assert.equal(evaluateAccess(ingest, admin, body('anything')).allowed, true);
});

test('roles not on the route are 403 with who may', () => {
  const decision = evaluateAccess(ingest, coordinator, body('store-a'));
  assert.equal(!decision.allowed && decision.status, 403);
  assert.match(!decision.allowed ? decision.message : '', /for store manager, admin or a store API key; you are signed in as a regional coordinator/);
  assert.equal(evaluateAccess(adminOnly, manager, query()).allowed, false);
});

test('API keys: ingestion routes of their own store only', () => {
  assert.deepEqual(evaluateAccess(ingest, key, body('store-a')), { allowed: true, storeId: 'store-a' });
  const other = evaluateAccess(ingest, key, body('store-b'));
  assert.equal(!other.allowed && other.status, 403);
  assert.match(!other.allowed ? other.message : '', /for store store-a only/);
  const notIngestion = evaluateAccess(read, key, query('store-a'));
  assert.equal(!notIngestion.allowed && notIngestion.status, 403);
  assert.match(!notIngestion.allowed ? notIngestion.message : '', /API keys may only send ingestion data/);
  assert.equal(evaluateAccess(ingest, { ...key, scopes: [] }, body('store-a')).allowed, false);
});

test('a missing or repeated store id is a 400 naming where, before anything reaches a service', () => {
  assert.deepEqual(evaluateAccess(read, manager, query()), { allowed: false, status: 400, message: 'storeId is required in the query' });
  assert.deepEqual(evaluateAccess(read, manager, query(['store-a', 'store-b'])), { allowed: false, status: 400, message: 'send storeId once, as a string, in the query' });
  assert.deepEqual(evaluateAccess(ingest, manager, body(42)), { allowed: false, status: 400, message: 'send storeId once, as a string, in the body' });
  assert.equal(evaluateAccess(ingest, manager, { query: {}, body: 'not an object' }).allowed, false);
});

test('the query cannot smuggle a store past a body-scoped route, nor the body past a query-scoped one', () => {
  assert.equal(evaluateAccess(ingest, manager, { query: { storeId: 'store-a' }, body: { storeId: 'store-b' } }).allowed, false);
  assert.equal(evaluateAccess(read, manager, { query: { storeId: 'store-b' }, body: { storeId: 'store-a' } }).allowed, false);
});

test('multipart routes check the query now and leave the form field to the upload parser', () => {
  const upload: AccessPolicy = { ...ingest, store: 'multipart.storeId' };
  assert.deepEqual(evaluateAccess(upload, manager, query()), { allowed: true });
  assert.equal(evaluateAccess(upload, manager, query('store-b')).allowed, false);
});

test('scope and resource routes defer the store check to the handler and the owning service', () => {
  assert.equal(evaluateAccess({ roles: ['store_manager'], store: 'scope' }, manager, query('store-z')).allowed, true);
  assert.equal(evaluateAccess({ roles: ['store_manager'], store: 'resource' }, manager, query()).allowed, true);
});

test('storeInScope', () => {
  assert.equal(storeInScope(manager, 'store-a'), true);
  assert.equal(storeInScope(manager, 'store-b'), false);
  assert.equal(storeInScope({ ...coordinator, storeIds: [] }, 'store-a'), false, 'an empty region reaches nothing');
  assert.equal(storeInScope(admin, 'x'), true);
  assert.equal(storeInScope(key, 'store-a'), true);
});
