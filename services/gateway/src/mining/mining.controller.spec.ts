// MiningController over HTTP (supertest): the real AccessGuard and validation pipe, a fake
// MiningService; status codes, the field a 400 names, and the command the handler passes on.
import assert from 'node:assert/strict';
import request from 'supertest';
import { FakeService, controllerTestApp, fieldsOf, messageOf, type ControllerTestApp } from '../testing/controller-test-app';
import { MiningController } from './mining.controller';
import { StartMiningBody } from './mining.dto';
import { MiningService } from './mining.service';

const JOB = '1b4e28ba-2fa1-4d2b-883f-0016d3cca427';
const mining = new FakeService(['start', 'job', 'cancel', 'results'] as const, { start: { jobId: JOB, status: 'queued' }, job: { jobId: JOB }, cancel: { jobId: JOB, status: 'cancelled' } });
let test: ControllerTestApp;

beforeAll(async () => {
  test = await controllerTestApp(MiningController, [[MiningService, mining]]);
});
afterAll(() => test.close());
beforeEach(() => {
  mining.calls.length = 0;
  test.denied.length = 0;
});

const http = () => request(test.app.getHttpServer());
const asManager = (path: string) => http().post(path).set('Authorization', 'Bearer manager-s1');

describe('POST /api/mining/start', () => {
  it('202 and the service gets a StartMiningBody with typed options and the request id', async () => {
    const response = await asManager('/api/mining/start').set('X-Request-Id', 'req-7').send({ storeId: 's1', topK: 10, minSupport: 0.01, usePruning: false });
    assert.equal(response.status, 202);
    assert.deepEqual(response.body, { jobId: JOB, status: 'queued' });
    const [body, requestId] = mining.last('start');
    assert.ok(body instanceof StartMiningBody);
    assert.deepEqual(fieldsOf(body), { storeId: 's1', topK: 10, minSupport: 0.01, usePruning: false });
    assert.equal(requestId, 'req-7');
  });

  it('a percentage minimum utility is passed as written', async () => {
    const response = await asManager('/api/mining/start').send({ storeId: 's1', minUtility: '0.5%' });
    assert.equal(response.status, 202);
    assert.equal((mining.last('start')[0] as StartMiningBody).minUtility, '0.5%');
  });

  it('bad options: 400 naming every failing field, nothing started', async () => {
    const response = await asManager('/api/mining/start').send({ storeId: 's1', minUtility: 'lots', topK: 0, maxPatternLength: 101, minSupport: 2 });
    assert.equal(response.status, 400);
    const message = messageOf(response.body);
    assert.match(message, /minUtility as text must be a percentage/);
    assert.match(message, /topK must not be less than 1/);
    assert.match(message, /maxPatternLength must not be greater than 100/);
    assert.match(message, /minSupport must not be greater than 1/);
    assert.equal(mining.calls.length, 0);
  });

  it("mining another store, or as a coordinator: 403, audited as denied", async () => {
    const other = await asManager('/api/mining/start').send({ storeId: 's2', topK: 5 });
    assert.equal(other.status, 403);
    assert.equal(messageOf(other.body), 'you manage store s1; store s2 is not yours');
    const coordinator = await http().post('/api/mining/start').set('Authorization', 'Bearer coordinator-north').send({ storeId: 's1', topK: 5 });
    assert.equal(coordinator.status, 403);
    assert.match(messageOf(coordinator.body), /this route is for store manager; you are signed in as a regional coordinator/);
    assert.deepEqual(test.denied.map((d) => d.action), ['mining.start', 'mining.start']);
    assert.equal(mining.calls.length, 0);
  });

  it('an expired or forged token: 401', async () => {
    const response = await http().post('/api/mining/start').set('Authorization', 'Bearer forged').send({ storeId: 's1', topK: 5 });
    assert.equal(response.status, 401);
    assert.equal(mining.calls.length, 0);
  });
});

describe('jobs and results', () => {
  it('GET /api/mining/jobs/:jobId passes (store, job, request id); a non-UUID job id is a 400 naming jobId', async () => {
    const ok = await http().get(`/api/mining/jobs/${JOB}?storeId=s1`).set('Authorization', 'Bearer manager-s1').set('X-Request-Id', 'req-8');
    assert.equal(ok.status, 200);
    assert.deepEqual(mining.last('job'), ['s1', JOB, 'req-8']);
    const bad = await http().get('/api/mining/jobs/42?storeId=s1').set('Authorization', 'Bearer manager-s1');
    assert.equal(bad.status, 400);
    assert.equal(messageOf(bad.body), 'jobId must be a UUID');
  });

  it('POST /api/mining/jobs/:jobId/cancel answers 200 with what the service says', async () => {
    const response = await http().post(`/api/mining/jobs/${JOB}/cancel?storeId=s1`).set('Authorization', 'Bearer manager-s1');
    assert.equal(response.status, 200);
    assert.equal(response.body.status, 'cancelled');
    assert.deepEqual(mining.last('cancel').slice(0, 2), ['s1', JOB]);
  });

  it('GET /api/mining/results/:jobId?format=csv downloads the patterns as CSV; filters arrive typed', async () => {
    mining.answer('results', () => ({ patterns: [{ rank: 1, items: ['milk', 'bread'], utility: 12.5, support: 3, supportRatio: 0.3, confidence: 0.5 }], total: 1 }));
    const response = await http().get(`/api/mining/results/${JOB}`).query({ storeId: 's1', format: 'csv', minUtility: '10', sortBy: 'support' }).set('Authorization', 'Bearer manager-s1');
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'], /^text\/csv/);
    assert.equal(response.headers['content-disposition'], `attachment; filename="patterns-${JOB}.csv"`);
    assert.equal(response.text, 'rank,items,utility,support,support_ratio,confidence\n1,milk bread,12.50,3,0.3,0.5\n');
    const [jobId, query] = mining.last('results');
    assert.equal(jobId, JOB);
    assert.deepEqual(fieldsOf(query), { storeId: 's1', format: 'csv', minUtility: 10, sortBy: 'support' });
    const json = await http().get(`/api/mining/results/${JOB}?storeId=s1`).set('Authorization', 'Bearer manager-s1');
    assert.equal(json.body.total, 1, 'without format=csv the service answer is returned as JSON');
    const bad = await http().get(`/api/mining/results/${JOB}?storeId=s1&sortBy=price`).set('Authorization', 'Bearer manager-s1');
    assert.equal(bad.status, 400);
    assert.match(messageOf(bad.body), /sortBy must be one of the following values/);
  });
});
