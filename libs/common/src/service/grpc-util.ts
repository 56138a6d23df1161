import * as grpc from '@grpc/grpc-js';

/** An error a gRPC handler can throw to answer with a specific status and message. */
export class GrpcError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
  }
}

export function toServiceError(error: unknown): grpc.ServiceError {
  if (error instanceof GrpcError) return Object.assign(new Error(error.message), { code: error.code, details: error.message, metadata: new grpc.Metadata() });
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(message), { code: grpc.status.INTERNAL, details: message, metadata: new grpc.Metadata() });
}

/** Wraps a promise-returning unary handler into grpc-js's callback style. */
export function unary<Req, Res>(handler: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    handler(call.request, call).then(
      (response) => callback(null, response),
      (error) => callback(toServiceError(error)),
    );
  };
}

export const REQUEST_ID_METADATA = 'x-request-id';

export function requestIdOf(call: { metadata: grpc.Metadata }): string | undefined {
  const value = call.metadata.get(REQUEST_ID_METADATA)[0];
  return value === undefined ? undefined : String(value);
}

/** Metadata carrying the caller's request id, so downstream logs can be joined. */
export function metadataWithRequestId(requestId?: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (requestId) metadata.set(REQUEST_ID_METADATA, requestId);
  return metadata;
}
