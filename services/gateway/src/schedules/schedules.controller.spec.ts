// SchedulesController over HTTP (supertest): the real AccessGuard and validation pipe, a fake
// SchedulesService; validation errors name the field, each route calls the service method it
// maps to with the validated body and the request id.
import assert from 'node:assert/strict';
import request from 'supertest';
import { FakeService, controllerTestApp, fieldsOf, messageOf, type ControllerTestApp } from '../testing/controller-test-app';
import { SchedulesController } from './schedules.controller';
import { CreateScheduleBody } from './schedules.dto';
import { SchedulesService } from './schedules.service';
import type { Caller } from '../http/caller';

const SCHEDULE = '3d6f4b1e-8a7c-4f2d-9b0e-5c1a2e3f4d5b';
const schedules = new FakeService(['list', 'create', 'change', 'jobs'] as const, { create: { id: SCHEDULE }, change: { id: SCHEDULE }, list: { schedules: [] }, jobs: { jobs: [] } });
let test: ControllerTestApp;

beforeAll(async () => {
  test = await controllerTestApp(SchedulesController, [[SchedulesService, schedules]]);
});
afterAll(() => test.close());
beforeEach(() => {
  schedules.calls.length = 0;
  test.denied.length = 0;
});

const http = () => request(test.app.getHttpServer());

describe('schedules', () => {
  it('POST /api/schedules: 201, the service gets a CreateScheduleBody and the request id', async () => {
    const response = await http().post('/api/schedules').set('Authorization', 'Bearer manager-s1').set('X-Request-Id', 'req-s').send({ kind: 'mining', cron: '0 2 * * *', storeId: 's1', parameters: { topK: 50 } });
    assert.equal(response.status, 201);
    assert.deepEqual(response.body, { id: SCHEDULE });
    const [body, caller] = schedules.last('create') as [unknown, Caller];
    assert.ok(body instanceof CreateScheduleBody);
    assert.deepEqual(fieldsOf(body), { kind: 'mining', cron: '0 2 * * *', storeId: 's1', parameters: { topK: 50 } });
    assert.equal(caller.requestId, 'req-s');
  });

  it('bad schedules: 400 naming each field, nothing created', async () => {
    const response = await http().post('/api/schedules').set('Authorization', 'Bearer admin').send({ kind: 'backup', cron: 5, storeId: 'bad store', parameters: 'x', description: 'd'.repeat(201) });
    assert.equal(response.status, 400);
    const message = messageOf(response.body);
    for (const expected of [/kind must be one of mining, federated_round, insights_refresh, retention_sweep/, /cron must be a cron expression/, /storeId must be letters, digits/, /parameters must be a JSON object/, /description must be at most 200 characters/]) assert.match(message, expected);
    assert.equal(schedules.calls.length, 0);
  });

  it('pause, resume and delete map to change(id, action); a non-UUID id is a 400 naming id', async () => {
    for (const [method, path, action] of [['post', `/api/schedules/${SCHEDULE}/pause`, 'pause'], ['post', `/api/schedules/${SCHEDULE}/resume`, 'resume'], ['delete', `/api/schedules/${SCHEDULE}`, 'delete']] as const) {
      const response = await http()[method](path).set('Authorization', 'Bearer coordinator-north');
      assert.equal(response.status, 200, path);
      const [id, changed] = schedules.last('change');
      assert.deepEqual([id, changed], [SCHEDULE, action]);
    }
    const bad = await http().post('/api/schedules/7/pause').set('Authorization', 'Bearer admin');
    assert.equal(bad.status, 400);
    assert.equal(messageOf(bad.body), 'id must be a schedule id (a UUID)');
  });

  it('GET /api/jobs: the query arrives typed; bad values name the field', async () => {
    const ok = await http().get(`/api/jobs?scheduleId=${SCHEDULE}&failed=true&limit=25`).set('Authorization', 'Bearer admin');
    assert.equal(ok.status, 200);
    assert.deepEqual(fieldsOf(schedules.last('jobs')[0]), { scheduleId: SCHEDULE, failed: 'true', limit: 25 });
    const bad = await http().get('/api/jobs?failed=maybe&limit=x').set('Authorization', 'Bearer admin');
    assert.equal(bad.status, 400);
    assert.match(messageOf(bad.body), /failed must be true or false/);
    assert.match(messageOf(bad.body), /limit must be an integer/);
  });

  it('no credentials: 401 on every route', async () => {
    for (const response of [await http().get('/api/schedules'), await http().post('/api/schedules').send({ kind: 'mining', cron: '* * * * *' }), await http().get('/api/jobs')]) assert.equal(response.status, 401);
    assert.equal(schedules.calls.length, 0);
  });
});
