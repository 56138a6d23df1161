import * as grpc from '@grpc/grpc-js';
import { authV1 } from '@tessera/proto';
import { callUnary, type Downstream, type UnaryMethod } from './downstream';

export const AUTH_CLIENT = Symbol('AUTH_CLIENT');

export function createAuthGrpcClient(address: string): authV1.AuthServiceClient {
  return new authV1.AuthServiceClient(address, grpc.credentials.createInsecure());
}

/**
 * Calls to the auth service: request id in the metadata, a deadline, the "auth" circuit
 * breaker, and gRPC failures mapped to HTTP (a lockout is 429 with Retry-After), all through
 * the one downstream helper.
 */
export class AuthClient {
  constructor(
    readonly grpcClient: authV1.AuthServiceClient,
    private readonly downstream: Downstream,
    private readonly timeoutMs = 5000,
  ) {}

  call<Req, Res>(pick: (client: authV1.AuthServiceClient) => UnaryMethod<Req, Res>, request: Req, requestId?: string): Promise<Res> {
    const method = pick(this.grpcClient).bind(this.grpcClient) as UnaryMethod<Req, Res>;
    return this.downstream.run('auth', () => callUnary(method, request, requestId, this.timeoutMs));
  }

  close(): void {
    this.grpcClient.close();
  }

  onApplicationShutdown(): void {
    this.close();
  }
}
