import * as grpc from '@grpc/grpc-js';
import { metadataWithRequestId } from '@tessera/common';
import { ingestionV1 } from '@tessera/proto';

export const INGESTION_CLIENT = Symbol('INGESTION_CLIENT');

export function createIngestionClient(address: string): ingestionV1.IngestionServiceClient {
  return new ingestionV1.IngestionServiceClient(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 16 * 1024 * 1024 });
}

/** Promise form of a unary call, carrying the request id downstream. */
export function callUnary<Req, Res>(
  method: (request: Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: (error: grpc.ServiceError | null, response: Res) => void) => grpc.ClientUnaryCall,
  request: Req,
  requestId?: string,
  timeoutMs = 30_000,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, metadataWithRequestId(requestId), { deadline: Date.now() + timeoutMs }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}
