// TransactionsController over HTTP (supertest) with the real AccessGuard and validation pipe and
// fake services: who may call, which 4xx names which field, and what reaches the service.
import assert from 'node:assert/strict';
import request from 'supertest';
import { FakeService, controllerTestApp, fieldsOf, messageOf, type ControllerTestApp } from '../testing/controller-test-app';
import { FileUploadService } from './file-upload.service';
import { TransactionsController } from './transactions.controller';
import { TransactionsService } from './transactions.service';

const transactions = new FakeService(['postEvents', 'list', 'fileStatus'] as const, { postEvents: { stored: 1, duplicates: 0, rejected: [] }, list: { transactions: [], total: 0 }, fileStatus: { status: 'completed' } });
const uploads = new FakeService(['upload', 'preview'] as const);
let test: ControllerTestApp;

beforeAll(async () => {
  test = await controllerTestApp(TransactionsController, [
    [TransactionsService, transactions],
    [FileUploadService, uploads],
  ]);
});
afterAll(() => test.close());
beforeEach(() => {
  transactions.calls.length = 0;
  test.denied.length = 0;
});

const http = () => request(test.app.getHttpServer());
const event = { transactionId: 't1', storeId: 's1', occurredAt: '2026-03-01T10:00:00Z', lines: [{ sku: 'milk', quantity: 1, unitPrice: 1.2 }] };

describe('POST /api/transactions/events', () => {
  it('without credentials: 401 saying how to sign in (or use an API key), and the service is not called', async () => {
    const response = await http().post('/api/transactions/events').send({ storeId: 's1', events: [event] });
    assert.equal(response.status, 401);
    assert.match(messageOf(response.body), /Authorization: Bearer .* or a store API key in X-API-Key/);
    assert.equal(transactions.calls.length, 0);
  });

  it("a store's API key posts its events: 200, and the service gets the store, the events and the request id", async () => {
    const response = await http().post('/api/transactions/events').set('X-API-Key', 'tsk_s1_ingestion').set('X-Request-Id', 'req-42').send({ storeId: 's1', events: [event] });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { stored: 1, duplicates: 0, rejected: [] });
    assert.deepEqual(transactions.last('postEvents'), ['s1', [event], 'req-42']);
    assert.equal(response.headers['x-request-id'], 'req-42');
  });

  it("an API key posting another store's events: 403 naming both stores, audited as denied, nothing forwarded", async () => {
    const response = await http().post('/api/transactions/events').set('X-API-Key', 'tsk_s1_ingestion').send({ storeId: 's2', events: [event] });
    assert.equal(response.status, 403);
    assert.equal(messageOf(response.body), 'this API key is for store s1 only, not s2');
    assert.deepEqual(test.denied, [{ action: 'transactions.events', reason: 'this API key is for store s1 only, not s2' }]);
    assert.equal(transactions.calls.length, 0);
  });

  it('an unknown API key: 401', async () => {
    const response = await http().post('/api/transactions/events').set('X-API-Key', 'tsk_nope').send({ storeId: 's1', events: [event] });
    assert.equal(response.status, 401);
    assert.equal(transactions.calls.length, 0);
  });

  it('bad bodies: 400 naming each failing field, nothing forwarded', async () => {
    const auth = (body: object) => http().post('/api/transactions/events').set('Authorization', 'Bearer manager-s1').send(body);
    const empty = await auth({ storeId: 's1', events: [] });
    assert.equal(empty.status, 400);
    assert.match(messageOf(empty.body), /events must contain at least 1 elements/);
    const notObjects = await auth({ storeId: 's1', events: [1, 'x'] });
    assert.equal(notObjects.status, 400);
    assert.match(messageOf(notObjects.body), /each event must be a JSON object/);
    const extra = await auth({ storeId: 's1', events: [event], dryRun: true });
    assert.equal(extra.status, 400);
    assert.match(messageOf(extra.body), /property dryRun should not exist/);
    const noStore = await auth({ events: [event] });
    assert.equal(noStore.status, 400);
    assert.equal(messageOf(noStore.body), 'storeId is required in the body', 'the guard refuses before the pipe: no store, no scope check');
    assert.equal(transactions.calls.length, 0);
  });
});

describe('GET /api/transactions', () => {
  it("the store's manager lists: 200, the query arrives typed (numbers, not strings)", async () => {
    const response = await http().get('/api/transactions').query({ storeId: 's1', minUtility: '12.5', limit: '20', startDate: '2026-03-01' }).set('Authorization', 'Bearer manager-s1');
    assert.equal(response.status, 200);
    const [query] = transactions.last('list') as [Record<string, unknown>];
    assert.deepEqual(fieldsOf(query), { storeId: 's1', minUtility: 12.5, limit: 20, startDate: '2026-03-01' });
  });

  it('another store, a coordinator, an admin, an API key: 403 (raw transactions are for the store manager only)', async () => {
    const otherStore = await http().get('/api/transactions?storeId=s2').set('Authorization', 'Bearer manager-s1');
    assert.equal(otherStore.status, 403);
    assert.equal(messageOf(otherStore.body), 'you manage store s1; store s2 is not yours');
    for (const who of ['coordinator-north', 'admin']) {
      const response = await http().get('/api/transactions?storeId=s1').set('Authorization', `Bearer ${who}`);
      assert.equal(response.status, 403, who);
      assert.match(messageOf(response.body), /this route is for store manager/);
    }
    const key = await http().get('/api/transactions?storeId=s1').set('X-API-Key', 'tsk_s1_ingestion');
    assert.equal(key.status, 403);
    assert.match(messageOf(key.body), /API keys may only send ingestion data/);
    assert.equal(transactions.calls.length, 0);
  });

  it('bad query values: 400 naming the field', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ storeId: 's1', startDate: 'yesterday' }, /startDate must be an ISO 8601 date/],
      [{ storeId: 's1', minUtility: '1.234' }, /minUtility must be a number with at most 2 decimals/],
      [{ storeId: 's1', limit: '5000' }, /limit must not be greater than 1000/],
      [{ storeId: 's1', offset: '-1' }, /offset must not be less than 0/],
    ];
    for (const [query, message] of cases) {
      const response = await http().get('/api/transactions').query(query).set('Authorization', 'Bearer manager-s1');
      assert.equal(response.status, 400, JSON.stringify(query));
      assert.match(messageOf(response.body), message);
    }
    assert.equal(transactions.calls.length, 0);
  });
});

describe('GET /api/transactions/files/:fileId', () => {
  it('a UUID file id reaches the service with the store; anything else is a 400 naming fileId', async () => {
    const fileId = '1b4e28ba-2fa1-4d2b-883f-0016d3cca427';
    const ok = await http().get(`/api/transactions/files/${fileId}?storeId=s1&errorLimit=5`).set('Authorization', 'Bearer manager-s1');
    assert.equal(ok.status, 200);
    const [id, query] = transactions.last('fileStatus') as [string, Record<string, unknown>];
    assert.equal(id, fileId);
    assert.deepEqual(fieldsOf(query), { storeId: 's1', errorLimit: 5 });
    const bad = await http().get('/api/transactions/files/not-a-uuid?storeId=s1').set('Authorization', 'Bearer admin');
    assert.equal(bad.status, 400);
    assert.match(messageOf(bad.body), /fileId must be a UUID/);
  });
});
