import { busVariables, databaseVariables, defineConfig, httpVariables, nodeTlsVariables, observabilityVariables, vars } from '@tessera/common';

/**
 * Configuration of the insights service. One code base, two roles: on a store node it
 * computes the store's own insights from its transactions (nothing leaves the node); on the
 * hub it derives consortium insights from the rounds' published noisy aggregates.
 */
export const insightsConfig = defineConfig('insights', {
  ...observabilityVariables,
  ...httpVariables,
  ...databaseVariables,
  ...busVariables,
  // Store-node role: the link to the hub's node port (FEDERATION_HUB_URL) speaks mTLS with the node's certificate.
  ...nodeTlsVariables,
  HTTP_PORT: vars.port({ description: 'HTTP port for health and metrics', default: '8086' }),
  GRPC_PORT: vars.port({ description: 'gRPC port of the insights service', default: '50056' }),
  INSIGHTS_ROLE: vars.oneOf(['store-node', 'hub', 'both'] as const, {
    description: "store-node: the store's own insights from its data; hub: consortium insights from published rounds; both: the all-in-one process",
    default: 'hub',
  }),
  INGESTION_GRPC_URL: vars.string({ description: "host:port of the node's ingestion service (store-node role), where transactions are read from", default: '127.0.0.1:50052' }),
  MINING_GRPC_URL: vars.string({ description: "host:port of the node's mining service (store-node role), which measures bundles exactly on the store's data", default: '127.0.0.1:50053' }),
  FEDERATION_GRPC_URL: vars.string({ description: "host:port of the hub's federation coordinator API (global patterns, demand series, price responses): hub-internal, for the hub and both roles, and a store node without FEDERATION_HUB_URL", default: '127.0.0.1:50054' }),
  FEDERATION_HUB_URL: vars.string({ description: "Store-node role: host:port of the hub's federation node port (NODE_GRPC_PORT), where the published global patterns are read over mTLS (nodeTlsVariables); empty reads them from FEDERATION_GRPC_URL", default: '' }),
  INSIGHTS_TOP_ITEMS: vars.integer({ description: 'Items forecast and priced per store (by quantity sold)', default: '100', min: 1, max: 2000 }),
  INSIGHTS_REFRESH_DEBOUNCE_MS: vars.integer({ description: 'Quiet time after a round or a batch before insights are recomputed (later events within it are folded in)', default: '2000', min: 0, max: 600000 }),
  INSIGHTS_LEAD_TIME_DAYS: vars.integer({ description: 'Default supplier lead time, in days, when a stock snapshot does not give one', default: '7', min: 1, max: 365 }),
  INSIGHTS_SERVICE_LEVEL: vars.oneOf(['95', '97.5', '99'] as const, { description: 'Default service level (percent) of reorder points', default: '95' }),
  ROUNDS_TOPIC: vars.string({ description: "Federation's round lifecycle topic", default: 'federation.rounds.v1' }),
  BATCHES_TOPIC: vars.string({ description: "Ingestion's committed-batch topic", default: 'ingestion.batches.v1' }),
  REFRESH_REQUESTS_TOPIC: vars.string({ description: "The scheduler's refresh requests (insights_refresh schedules), keyed by store id or hub", default: 'insights.refresh.requested.v1' }),
  REFRESHED_TOPIC: vars.string({ description: 'Topic announcing refreshed insights', default: 'insights.refreshed.v1' }),
});

export type InsightsConfig = ReturnType<typeof insightsConfig.load>;
