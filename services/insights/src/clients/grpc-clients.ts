import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { loadNodeTls, nodeClientCredentials } from '@tessera/common';
import { SERVICE_CONFIG } from '@tessera/nest-core';
import { federationV1, ingestionV1, miningV1 } from '@tessera/proto';
import type { InsightsConfig } from '../insights.config';

type Unary<Req, Res> = (request: Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown;

/** A unary call as a promise, with a deadline (a refresh must never wait forever on a peer). */
export function call<Req, Res>(client: grpc.Client, method: Unary<Req, Res>, request: Req, timeoutMs = 60_000): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => (error ? reject(error) : resolve(response))));
}

/** The store node's ingestion (its transactions, streamed) and mining (exact itemset measures). */
@Injectable()
export class NodeClients implements OnModuleDestroy {
  readonly ingestion: ingestionV1.IngestionServiceClient;
  readonly mining: miningV1.MiningServiceClient;

  constructor(@Inject(SERVICE_CONFIG) config: InsightsConfig) {
    this.ingestion = new ingestionV1.IngestionServiceClient(config.INGESTION_GRPC_URL, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    this.mining = new miningV1.MiningServiceClient(config.MINING_GRPC_URL, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  }

  onModuleDestroy() {
    this.ingestion.close();
    this.mining.close();
  }
}

/**
 * The hub's federation service: published rounds only (noisy aggregates). The hub's insights
 * read its coordinator API (hub-internal); a store node's read the global patterns from the
 * hub's node port over mTLS (FEDERATION_HUB_URL), the one port the hub opens to stores.
 */
@Injectable()
export class FederationClient implements OnModuleDestroy {
  readonly client: federationV1.FederationServiceClient;
  /** Store-node role with FEDERATION_HUB_URL: the node link. */
  readonly node?: federationV1.FederationNodeServiceClient;

  constructor(@Inject(SERVICE_CONFIG) config: InsightsConfig) {
    this.client = new federationV1.FederationServiceClient(config.FEDERATION_GRPC_URL, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    if (config.INSIGHTS_ROLE === 'store-node' && config.FEDERATION_HUB_URL) {
      this.node = new federationV1.FederationNodeServiceClient(config.FEDERATION_HUB_URL, nodeClientCredentials(loadNodeTls('insights', config)), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    }
  }

  listGlobalPatterns(request: Partial<federationV1.ListGlobalPatternsRequest>): Promise<federationV1.ListGlobalPatternsResponse> {
    if (this.node) return call(this.node, this.node.listPublishedPatterns, federationV1.ListPublishedPatternsRequest.fromPartial(request));
    return call(this.client, this.client.listGlobalPatterns, federationV1.ListGlobalPatternsRequest.fromPartial(request));
  }

  listDemandSeries(request: Partial<federationV1.ListDemandSeriesRequest>): Promise<federationV1.ListDemandSeriesResponse> {
    return call(this.client, this.client.listDemandSeries, federationV1.ListDemandSeriesRequest.fromPartial(request));
  }

  listPriceResponses(request: Partial<federationV1.ListPriceResponsesRequest>): Promise<federationV1.ListPriceResponsesResponse> {
    return call(this.client, this.client.listPriceResponses, federationV1.ListPriceResponsesRequest.fromPartial(request));
  }

  onModuleDestroy() {
    this.client.close();
    this.node?.close();
  }
}
