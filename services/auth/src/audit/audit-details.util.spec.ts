import assert from 'node:assert/strict';
import { isValidAction, parseAuditDetails, sanitizeAuditDetails } from './audit-details.util';

test('keeps short facts and drops anything that names or looks like a secret', () => {
  const clean = sanitizeAuditDetails({
    email: 'a@b.example',
    role: 'admin',
    stored: 12,
    generated: true,
    password: 'hunter2hunter2',
    newPassword: 'x',
    refreshToken: 'tsr_abc',
    authorization: 'Bearer abc',
    key: 'tsk_secret',
    note: 'tsk_0123456789abcdef',
    jwt: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
  });
  assert.deepEqual(clean, { email: 'a@b.example', role: 'admin', stored: 12, generated: true });
});

test('nested objects and arrays (where transactions could hide) are dropped; long strings are cut', () => {
  const clean = sanitizeAuditDetails({ events: [{ sku: 'A' }], lines: { a: 1 }, long: 'x'.repeat(500), infinite: Infinity });
  assert.deepEqual(Object.keys(clean), ['long']);
  assert.equal((clean.long as string).length, 201);
});

test('gRPC JSON that is not an object becomes {}', () => {
  assert.deepEqual(parseAuditDetails(''), {});
  assert.deepEqual(parseAuditDetails('not json'), {});
  assert.deepEqual(parseAuditDetails('[1,2]'), {});
  assert.deepEqual(parseAuditDetails('{"stored":3,"token":"x"}'), { stored: 3 });
});

test('actions look like resource.verb', () => {
  assert.ok(isValidAction('transactions.upload'));
  assert.ok(isValidAction('api_key.create'));
  assert.ok(!isValidAction('upload'));
  assert.ok(!isValidAction('Transactions.Upload'));
  assert.ok(!isValidAction("x.y'; drop table"));
});
