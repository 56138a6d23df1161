import * as grpc from '@grpc/grpc-js';
import { insightsV1 } from '@tessera/proto';

/** The node's insights (a store's own results) and the hub's (the consortium's); the same process in the all-in-one runner. */
export interface InsightsClients {
  node: insightsV1.InsightsServiceClient;
  hub: insightsV1.InsightsServiceClient;
}

export const INSIGHTS_CLIENTS = Symbol('INSIGHTS_CLIENTS');

export function createInsightsClients(nodeAddress: string, hubAddress: string): InsightsClients {
  const options = { 'grpc.max_receive_message_length': 64 * 1024 * 1024 };
  const node = new insightsV1.InsightsServiceClient(nodeAddress, grpc.credentials.createInsecure(), options);
  return { node, hub: hubAddress === nodeAddress ? node : new insightsV1.InsightsServiceClient(hubAddress, grpc.credentials.createInsecure(), options) };
}
