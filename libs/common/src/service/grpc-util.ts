import * as grpc from '@grpc/grpc-js';

/** An error a gRPC handler can throw to answer with a specific status and message. */
export class GrpcError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
    /** Sent as trailers (e.g. retry-after on a lockout). */
    readonly trailers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The one mapping from a handler's failure to what grpc-js answers: a GrpcError's status, INTERNAL for anything else. */
export function toServiceError(error: unknown): grpc.ServiceError {
  if (error instanceof GrpcError) {
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(error.trailers)) metadata.set(key, value);
    return Object.assign(new Error(error.message), { code: error.code, details: error.message, metadata });
  }
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(message), { code: grpc.status.INTERNAL, details: message, metadata: new grpc.Metadata() });
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
