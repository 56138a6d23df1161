import * as grpc from '@grpc/grpc-js';
import { insightsV1 } from '@tessera/proto';

/** The store node's insights service: a store's own results (INSIGHTS_GRPC_URL). */
export const INSIGHTS_NODE_CLIENT = Symbol('INSIGHTS_NODE_CLIENT');
/** The hub's insights service: the consortium's results (INSIGHTS_HUB_GRPC_URL; the same process in the all-in-one runner). */
export const INSIGHTS_HUB_CLIENT = Symbol('INSIGHTS_HUB_CLIENT');

/** Forecast documents of a hundred items with their histories exceed gRPC's default 4 MB. */
const OPTIONS = { 'grpc.max_receive_message_length': 64 * 1024 * 1024 };

export function createInsightsClient(address: string): insightsV1.InsightsServiceClient {
  return new insightsV1.InsightsServiceClient(address, grpc.credentials.createInsecure(), OPTIONS);
}
