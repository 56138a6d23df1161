import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { CircuitBreakers, isOutage } from './circuit-breakers';
import { RetryAfterException } from '../http/retry-after';

const unavailable = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: grpc.status.UNAVAILABLE }));
const notFound = () => Promise.reject(Object.assign(new Error('no such file'), { code: grpc.status.NOT_FOUND }));

test('outages are UNAVAILABLE and DEADLINE_EXCEEDED only', () => {
  assert.equal(isOutage({ code: grpc.status.UNAVAILABLE }), true);
  assert.equal(isOutage({ code: grpc.status.DEADLINE_EXCEEDED }), true);
  assert.equal(isOutage({ code: grpc.status.NOT_FOUND }), false);
  assert.equal(isOutage(new Error('x')), false);
});

test('repeated outages open the circuit: calls then fail fast with 503 and Retry-After, then a trial call closes it', async () => {
  const breakers = new CircuitBreakers({ errorThresholdPercentage: 50, volumeThreshold: 3, resetTimeoutMs: 300 });
  let calls = 0;
  const down = () => {
    calls++;
    return unavailable();
  };
  for (let i = 0; i < 3; i++) await assert.rejects(breakers.run('ingestion', down), (error: { code?: number }) => error.code === grpc.status.UNAVAILABLE);
  assert.equal(breakers.state('ingestion'), 'open');
  const before = calls;
  await assert.rejects(breakers.run('ingestion', down), (error: unknown) => {
    assert.ok(error instanceof RetryAfterException);
    assert.equal(error.getStatus(), 503);
    assert.equal(error.retryAfterSeconds, 1);
    assert.match(JSON.stringify(error.getResponse()), /the ingestion service is unavailable \(its circuit is open/);
    return true;
  });
  assert.equal(calls, before, 'an open circuit does not call the service');
  assert.equal(breakers.state('auth'), 'closed', 'circuits are per service');
  await new Promise((resolve) => setTimeout(resolve, 350));
  assert.equal(await breakers.run('ingestion', async () => 'back'), 'back');
  assert.equal(breakers.state('ingestion'), 'closed');
  breakers.shutdown();
});

test('answers like NOT_FOUND do not open the circuit', async () => {
  const breakers = new CircuitBreakers({ errorThresholdPercentage: 50, volumeThreshold: 3, resetTimeoutMs: 300 });
  for (let i = 0; i < 10; i++) await assert.rejects(breakers.run('ingestion', notFound), (error: { code?: number }) => error.code === grpc.status.NOT_FOUND);
  assert.equal(breakers.state('ingestion'), 'closed');
  breakers.shutdown();
});
