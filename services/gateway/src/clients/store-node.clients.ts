import * as grpc from '@grpc/grpc-js';
import { federationV1, miningV1, privacyV1 } from '@tessera/proto';

export const MINING_CLIENT = Symbol('MINING_CLIENT');
export const PRIVACY_CLIENT = Symbol('PRIVACY_CLIENT');

export function createMiningClient(address: string): miningV1.MiningServiceClient {
  return new miningV1.MiningServiceClient(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
}

export function createPrivacyClient(address: string): privacyV1.PrivacyServiceClient {
  return new privacyV1.PrivacyServiceClient(address, grpc.credentials.createInsecure());
}

export const FEDERATION_CLIENT = Symbol('FEDERATION_CLIENT');

export function createFederationClient(address: string): federationV1.FederationServiceClient {
  return new federationV1.FederationServiceClient(address, grpc.credentials.createInsecure());
}
