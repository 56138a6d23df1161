// ErasureRequestsController over HTTP (supertest): the real AccessGuard and validation pipe, a
// fake SchedulesService; a store-node (and all-in-one) route only.
import assert from 'node:assert/strict';
import request from 'supertest';
import { FakeService, controllerTestApp, fieldsOf, messageOf, type ControllerTestApp } from '../testing/controller-test-app';
import { ErasureRequestsController } from './erasure-requests.controller';
import { SchedulesService } from './schedules.service';

const REQUEST = '3d6f4b1e-8a7c-4f2d-9b0e-5c1a2e3f4d5b';
const schedules = new FakeService(['createErasure', 'erasure'] as const, { createErasure: { id: REQUEST, status: 'queued' }, erasure: { id: REQUEST, status: 'queued' } });
let test: ControllerTestApp;

beforeAll(async () => {
  test = await controllerTestApp(ErasureRequestsController, [[SchedulesService, schedules]]);
});
afterAll(() => test.close());
beforeEach(() => {
  schedules.calls.length = 0;
  test.denied.length = 0;
});

const http = () => request(test.app.getHttpServer());

describe('erasure requests', () => {
  it("a store manager asks to erase a customer of their store: 202 and the service gets the request", async () => {
    const response = await http().post('/api/erasure-requests').set('Authorization', 'Bearer manager-s1').send({ scope: 'customer', storeId: 's1', customerId: 'loyal-42', deadlineDays: 10 });
    assert.equal(response.status, 202);
    assert.deepEqual(fieldsOf(schedules.last('createErasure')[0]), { scope: 'customer', storeId: 's1', customerId: 'loyal-42', deadlineDays: 10 });
  });

  it("another store's data, or a coordinator: 403 and audited; a bad scope: 400 naming scope", async () => {
    const other = await http().post('/api/erasure-requests').set('Authorization', 'Bearer manager-s1').send({ scope: 'store', storeId: 's2' });
    assert.equal(other.status, 403);
    const coordinator = await http().post('/api/erasure-requests').set('Authorization', 'Bearer coordinator-north').send({ scope: 'store', storeId: 's1' });
    assert.equal(coordinator.status, 403);
    assert.deepEqual(test.denied.map((d) => d.action), ['erasure.request', 'erasure.request']);
    const bad = await http().post('/api/erasure-requests').set('Authorization', 'Bearer admin').send({ scope: 'everything', storeId: 's1', deadlineDays: 365 });
    assert.equal(bad.status, 400);
    assert.match(messageOf(bad.body), /scope must be customer or store/);
    assert.match(messageOf(bad.body), /deadlineDays must not be greater than 90/);
    assert.equal(schedules.calls.length, 0);
  });
});
