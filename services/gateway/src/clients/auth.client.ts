import { HttpException, HttpStatus } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { metadataWithRequestId } from '@tessera/common';
import { authV1 } from '@tessera/proto';
import { RetryAfterException, httpErrorName } from '../http/retry-after';
import type { CircuitBreakers } from '../resilience/circuit-breakers';

export const AUTH_CLIENT = Symbol('AUTH_CLIENT');

export function createAuthGrpcClient(address: string): authV1.AuthServiceClient {
  return new authV1.AuthServiceClient(address, grpc.credentials.createInsecure());
}

const HTTP_FOR_GRPC: Partial<Record<grpc.status, HttpStatus>> = {
  [grpc.status.INVALID_ARGUMENT]: HttpStatus.BAD_REQUEST,
  [grpc.status.UNAUTHENTICATED]: HttpStatus.UNAUTHORIZED,
  [grpc.status.PERMISSION_DENIED]: HttpStatus.FORBIDDEN,
  [grpc.status.NOT_FOUND]: HttpStatus.NOT_FOUND,
  [grpc.status.ALREADY_EXISTS]: HttpStatus.CONFLICT,
  [grpc.status.FAILED_PRECONDITION]: HttpStatus.CONFLICT,
  [grpc.status.UNAVAILABLE]: HttpStatus.SERVICE_UNAVAILABLE,
  [grpc.status.DEADLINE_EXCEEDED]: HttpStatus.GATEWAY_TIMEOUT,
};

/** The auth service's answer as the HTTP error a client can act on (a lockout is 429 with Retry-After). */
export function httpErrorFromAuth(error: unknown): HttpException {
  if (error instanceof HttpException) return error;
  const serviceError = error as grpc.ServiceError;
  if (serviceError.code === grpc.status.RESOURCE_EXHAUSTED) {
    const retryAfter = Number(serviceError.metadata?.get('retry-after')[0] ?? 1);
    return new RetryAfterException(HttpStatus.TOO_MANY_REQUESTS, serviceError.details, retryAfter);
  }
  const status = HTTP_FOR_GRPC[serviceError.code] ?? HttpStatus.BAD_GATEWAY;
  const message = status === HttpStatus.SERVICE_UNAVAILABLE ? 'the auth service is unavailable; try again shortly' : (serviceError.details ?? serviceError.message);
  return new HttpException({ statusCode: status, error: httpErrorName(status), message }, status);
}

type UnaryMethod<Req, Res> = (request: Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: (error: grpc.ServiceError | null, response: Res) => void) => grpc.ClientUnaryCall;

/**
 * Calls to the auth service: request id in the metadata, a deadline, the "auth" circuit
 * breaker, and gRPC failures mapped to HTTP.
 */
export class AuthClient {
  constructor(
    readonly grpcClient: authV1.AuthServiceClient,
    private readonly breakers: CircuitBreakers,
    private readonly timeoutMs = 5000,
  ) {}

  call<Req, Res>(pick: (client: authV1.AuthServiceClient) => UnaryMethod<Req, Res>, request: Req, requestId?: string): Promise<Res> {
    const method = pick(this.grpcClient).bind(this.grpcClient) as UnaryMethod<Req, Res>;
    return this.breakers
      .run('auth', () => new Promise<Res>((resolve, reject) => method(request, metadataWithRequestId(requestId), { deadline: Date.now() + this.timeoutMs }, (error, response) => (error ? reject(error) : resolve(response)))))
      .catch((error) => Promise.reject(httpErrorFromAuth(error)));
  }

  close(): void {
    this.grpcClient.close();
  }
}
