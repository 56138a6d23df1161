// FederationController's round routes over HTTP (supertest): the real AccessGuard and
// validation pipe, a fake FederationService; who may start rounds, the store scope handed to
// the service (a coordinator's region, everything for an admin), and validation errors.
import assert from 'node:assert/strict';
import request from 'supertest';
import { FakeService, controllerTestApp, fieldsOf, messageOf, type ControllerTestApp } from '../testing/controller-test-app';
import { FederationController } from './federation.controller';
import { StartRoundBody } from './federation.dto';
import { FederationService } from './federation.service';

const ROUND = '9f0c2a3e-51d7-4c52-9a55-2b8ad7f4f1a0';
const federation = new FakeService(['start', 'list', 'get', 'globalPatterns', 'enrol', 'stores', 'watch'] as const, { start: { roundId: ROUND, status: 'pending' }, list: { rounds: [], total: 0 }, get: { roundId: ROUND } });
let test: ControllerTestApp;

beforeAll(async () => {
  test = await controllerTestApp(FederationController, [[FederationService, federation]]);
});
afterAll(() => test.close());
beforeEach(() => {
  federation.calls.length = 0;
  test.denied.length = 0;
});

const http = () => request(test.app.getHttpServer());
const start = (who: string, body: object) => http().post('/api/federated/rounds/start').set('Authorization', `Bearer ${who}`).set('X-Request-Id', 'req-r').send(body);

describe('POST /api/federated/rounds/start', () => {
  it("a coordinator starts a round: 202, and the service gets the body, the coordinator's region stores and who asked", async () => {
    const response = await start('coordinator-north', { minClients: 3, privacyBudget: 1.5, storeIds: ['s1', 's2'] });
    assert.equal(response.status, 202);
    assert.equal(response.body.roundId, ROUND);
    const [body, reachable, requestedBy, requestId] = federation.last('start');
    assert.ok(body instanceof StartRoundBody);
    assert.deepEqual(fieldsOf(body), { minClients: 3, privacyBudget: 1.5, storeIds: ['s1', 's2'] });
    assert.deepEqual(reachable, ['s1', 's2']);
    assert.equal(requestedBy, 'coordinator-north');
    assert.equal(requestId, 'req-r');
  });

  it('an admin reaches every store: the service gets no store limit', async () => {
    const response = await start('admin', { minClients: 2, privacyBudget: 1 });
    assert.equal(response.status, 202);
    assert.equal(federation.last('start')[1], undefined);
  });

  it('a store manager may not start rounds: 403, audited as round.start denied', async () => {
    const response = await start('manager-s1', { minClients: 2, privacyBudget: 1 });
    assert.equal(response.status, 403);
    assert.match(messageOf(response.body), /this route is for regional coordinator, admin/);
    assert.deepEqual(test.denied.map((d) => d.action), ['round.start']);
    assert.equal(federation.calls.length, 0);
  });

  it('bad settings: 400 naming every failing field, no round started', async () => {
    const response = await start('admin', { minClients: 1, privacyBudget: 50, roundTimeout: 0, storeIds: ['ok', 'not ok!'], noise: 'none' });
    assert.equal(response.status, 400);
    const message = messageOf(response.body);
    assert.match(message, /minClients must not be less than 2/);
    assert.match(message, /privacyBudget must not be greater than 20/);
    assert.match(message, /roundTimeout must not be less than 1/);
    assert.match(message, /each store id must be letters, digits/);
    assert.match(message, /property noise should not exist/);
    const missing = await start('admin', {});
    assert.equal(missing.status, 400);
    assert.match(messageOf(missing.body), /minClients must be an integer number/);
    assert.match(messageOf(missing.body), /privacyBudget must be a number/);
    assert.equal(federation.calls.length, 0);
  });
});

describe('reading rounds', () => {
  it('every role reads rounds; paging arrives as numbers and is bounded', async () => {
    const response = await http().get('/api/federated/rounds?limit=10&offset=20').set('Authorization', 'Bearer manager-s1');
    assert.equal(response.status, 200);
    assert.deepEqual(fieldsOf(federation.last('list')[0]), { limit: 10, offset: 20 });
    const tooMany = await http().get('/api/federated/rounds?limit=500').set('Authorization', 'Bearer manager-s1');
    assert.equal(tooMany.status, 400);
    assert.match(messageOf(tooMany.body), /limit must not be greater than 200/);
  });

  it('GET /api/federated/rounds/:id needs a round id (UUID)', async () => {
    const ok = await http().get(`/api/federated/rounds/${ROUND}`).set('Authorization', 'Bearer coordinator-north');
    assert.equal(ok.status, 200);
    assert.equal(federation.last('get')[0], ROUND);
    const bad = await http().get('/api/federated/rounds/latest').set('Authorization', 'Bearer coordinator-north');
    assert.equal(bad.status, 400);
    assert.equal(messageOf(bad.body), 'id must be a round id (UUID)');
  });

  it('API keys cannot read rounds (ingestion only)', async () => {
    const response = await http().get('/api/federated/rounds').set('X-API-Key', 'tsk_s1_ingestion');
    assert.equal(response.status, 403);
    assert.equal(federation.calls.length, 0);
  });
});
