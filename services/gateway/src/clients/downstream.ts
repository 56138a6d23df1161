import { Injectable } from '@nestjs/common';
import type * as grpc from '@grpc/grpc-js';
import { metadataWithRequestId } from '@tessera/common';
import { httpErrorFromGrpc } from '../http/grpc-errors';
import { CircuitBreakers } from '../resilience/circuit-breakers';

/** The services behind the gateway, each with a circuit of its own. */
export type DownstreamService = 'auth' | 'ingestion' | 'mining' | 'privacy' | 'federation' | (string & {});

export type UnaryMethod<Req, Res> = (request: Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: (error: grpc.ServiceError | null, response: Res) => void) => grpc.ClientUnaryCall;

/** Promise form of a unary call, carrying the request id downstream, with a deadline. */
export function callUnary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, requestId?: string, timeoutMs = 30_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, metadataWithRequestId(requestId), { deadline: Date.now() + timeoutMs }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

/**
 * The one way the gateway calls a downstream service: through that service's circuit breaker
 * (an outage opens it: 503 with Retry-After, failing fast), with gRPC failures answered as the
 * HTTP error a client can act on (httpErrorFromGrpc).
 */
@Injectable()
export class Downstream {
  constructor(private readonly breakers: CircuitBreakers) {}

  run<T>(service: DownstreamService, call: () => Promise<T>): Promise<T> {
    return this.breakers.run(service, call).catch((error) => Promise.reject(httpErrorFromGrpc(error, service)));
  }

  unary<Req, Res>(service: DownstreamService, method: UnaryMethod<Req, Res>, request: Req, requestId?: string, timeoutMs?: number): Promise<Res> {
    return this.run(service, () => callUnary(method, request, requestId, timeoutMs));
  }
}
