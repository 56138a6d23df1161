import * as grpc from '@grpc/grpc-js';
import { ingestionV1 } from '@tessera/proto';

export const INGESTION_CLIENT = Symbol('INGESTION_CLIENT');

export function createIngestionClient(address: string): ingestionV1.IngestionServiceClient {
  return new ingestionV1.IngestionServiceClient(address, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 16 * 1024 * 1024 });
}

/** Kept here for existing imports; defined with the one downstream helper. */
export { callUnary } from './downstream';
