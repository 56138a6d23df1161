import assert from 'node:assert/strict';
import { ScheduleInputError, validateSchedule } from './schedule-input.util';
import { runIdOf } from './run-id.util';
import { validateErasure, erasureReportDetails } from '../erasure/erasure-input.util';

const base = { kind: 'mining', cron: '0 2 * * *', storeId: 'store-a', parametersJson: '', description: '' };
function refusedField(input: Partial<typeof base>): string {
  try {
    validateSchedule({ ...base, ...input });
  } catch (error) {
    assert.ok(error instanceof ScheduleInputError);
    return error.field;
  }
  assert.fail('accepted');
}

describe('validateSchedule', () => {
  it('accepts each kind with its parameters', () => {
    assert.equal(validateSchedule(base).kind, 'mining');
    assert.equal(validateSchedule({ ...base, kind: 'federated_round', storeId: '', parametersJson: '{"minStores":3,"epsilon":1}' }).storeId, null);
    assert.deepEqual(validateSchedule({ ...base, kind: 'retention_sweep', storeId: '', parametersJson: '{"dataClass":"audit","olderThanDays":30}' }).parameters, { dataClass: 'audit', olderThanDays: 30 });
  });

  it('names the field of each refusal', () => {
    assert.equal(refusedField({ kind: 'backup' }), 'kind');
    assert.equal(refusedField({ cron: 'every day' }), 'cron');
    assert.equal(refusedField({ cron: '' }), 'cron');
    assert.equal(refusedField({ storeId: '' }), 'storeId');
    assert.equal(refusedField({ storeId: 'bad id!' }), 'storeId');
    assert.equal(refusedField({ kind: 'federated_round', storeId: 'store-a' }), 'storeId');
    assert.equal(refusedField({ parametersJson: '{' }), 'parameters');
    assert.equal(refusedField({ parametersJson: '[1]' }), 'parameters');
    assert.equal(refusedField({ parametersJson: '{"topK":-1}' }), 'parameters.topK');
    assert.equal(refusedField({ parametersJson: '{"colour":"red"}' }), 'parameters.colour');
    assert.equal(refusedField({ kind: 'retention_sweep', storeId: '', parametersJson: '{"dataClass":"everything"}' }), 'parameters.dataClass');
    assert.equal(refusedField({ description: 'x'.repeat(201) }), 'description');
  });
});

describe('runIdOf', () => {
  it('is a UUID, the same for the same schedule and occurrence, different otherwise', () => {
    const due = new Date('2026-03-01T02:00:00Z');
    const id = runIdOf('11111111-1111-4111-8111-111111111111', due);
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(runIdOf('11111111-1111-4111-8111-111111111111', new Date(due)), id);
    assert.notEqual(runIdOf('11111111-1111-4111-8111-111111111111', new Date(due.getTime() + 1000)), id);
    assert.notEqual(runIdOf('22222222-2222-4222-8222-222222222222', due), id);
  });
});

describe('erasure input', () => {
  it('names the field of each refusal and reports flat counts', () => {
    const field = (input: { scope: string; storeId: string; customerId: string; deadlineDays: number }) => {
      try {
        validateErasure(input, 90);
      } catch (error) {
        return (error as ScheduleInputError).field;
      }
      return 'accepted';
    };
    assert.equal(field({ scope: 'person', storeId: 's', customerId: 'c', deadlineDays: 0 }), 'scope');
    assert.equal(field({ scope: 'customer', storeId: '', customerId: 'c', deadlineDays: 0 }), 'storeId');
    assert.equal(field({ scope: 'customer', storeId: 's', customerId: '', deadlineDays: 0 }), 'customerId');
    assert.equal(field({ scope: 'store', storeId: 's', customerId: 'c', deadlineDays: 0 }), 'customerId');
    assert.equal(field({ scope: 'store', storeId: 's', customerId: '', deadlineDays: 91 }), 'deadlineDays');
    assert.equal(field({ scope: 'store', storeId: 's', customerId: '', deadlineDays: 7 }), 'accepted');
    assert.deepEqual(erasureReportDetails({ scope: 'customer' }, [{ service: 'ingestion', deleted: [{ dataClass: 'transactions', count: 3 }] }, { service: 'mining', deleted: [{ dataClass: 'mining_jobs', count: 1 }] }]), { scope: 'customer', 'ingestion.transactions': 3, 'mining.mining_jobs': 1 });
  });
});
