import assert from 'node:assert/strict';
import { HttpException } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { CircuitBreakers } from '../resilience/circuit-breakers';
import { RetryAfterException } from '../http/retry-after';
import { httpErrorFromGrpc } from '../http/grpc-errors';
import { Downstream } from './downstream';

function serviceError(code: grpc.status, details: string, trailers: Record<string, string> = {}): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

describe('httpErrorFromGrpc: the one gRPC-to-HTTP mapping', () => {
  it('a lockout (RESOURCE_EXHAUSTED with retry-after) is 429 with its Retry-After', () => {
    const error = httpErrorFromGrpc(serviceError(grpc.status.RESOURCE_EXHAUSTED, 'account locked', { 'retry-after': '7' }), 'auth');
    assert.ok(error instanceof RetryAfterException);
    assert.equal(error.getStatus(), 429);
    assert.equal(error.retryAfterSeconds, 7);
  });

  it('RESOURCE_EXHAUSTED without a wait (an upload too large) is 413 with the service message', () => {
    const error = httpErrorFromGrpc(serviceError(grpc.status.RESOURCE_EXHAUSTED, 'the file is larger than 100 MB'), 'ingestion');
    assert.equal(error.getStatus(), 413);
    assert.match(JSON.stringify(error.getResponse()), /larger than 100 MB/);
  });

  it('an unavailable service is 503 naming it; unknown codes are 502; HTTP errors pass through', () => {
    const unavailable = httpErrorFromGrpc(serviceError(grpc.status.UNAVAILABLE, 'connect ECONNREFUSED'), 'mining');
    assert.equal(unavailable.getStatus(), 503);
    assert.match(JSON.stringify(unavailable.getResponse()), /the mining service is unavailable/);
    assert.equal(httpErrorFromGrpc(serviceError(grpc.status.DATA_LOSS, 'x'), 'mining').getStatus(), 502);
    const own = new HttpException('mine', 418);
    assert.equal(httpErrorFromGrpc(own, 'mining'), own);
  });
});

describe('Downstream: breaker and mapping in one place', () => {
  it('maps a failed call to HTTP, and an open circuit to 503 with Retry-After', async () => {
    const downstream = new Downstream(new CircuitBreakers({ errorThresholdPercentage: 50, volumeThreshold: 2, resetTimeoutMs: 10_000 }));
    const down = () => Promise.reject(serviceError(grpc.status.UNAVAILABLE, 'connect ECONNREFUSED'));
    await assert.rejects(downstream.run('privacy', down), (error: HttpException) => error.getStatus() === 503 && /privacy service is unavailable/.test(JSON.stringify(error.getResponse())));
    await assert.rejects(downstream.run('privacy', down), (error: HttpException) => error.getStatus() === 503);
    await assert.rejects(downstream.run('privacy', down), (error: unknown) => error instanceof RetryAfterException && /circuit is open/.test(JSON.stringify(error.getResponse())));
    assert.equal(await downstream.run('mining', async () => 'other circuits stay closed'), 'other circuits stay closed');
  });

  it('sends the request id in the metadata of a unary call, with a deadline', async () => {
    const downstream = new Downstream(new CircuitBreakers({ errorThresholdPercentage: 50, volumeThreshold: 5, resetTimeoutMs: 1000 }));
    let seen: { requestId: unknown; deadline: unknown } | undefined;
    const method = ((request: { storeId: string }, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: (error: grpc.ServiceError | null, response: { echo: string }) => void) => {
      seen = { requestId: metadata.get('x-request-id')[0], deadline: options.deadline };
      callback(null, { echo: request.storeId });
      return {} as grpc.ClientUnaryCall;
    });
    assert.deepEqual(await downstream.unary('ingestion', method, { storeId: 'store-1' }, 'req-42'), { echo: 'store-1' });
    assert.equal(seen?.requestId, 'req-42');
    assert.equal(typeof seen?.deadline, 'number');
  });
});
