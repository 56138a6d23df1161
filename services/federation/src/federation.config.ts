import { busVariables, databaseVariables, defineConfig, httpVariables, nodeTlsVariables, observabilityVariables, vars } from '@tessera/common';

/** Configuration of the federation service: rounds, secure-aggregation server, global patterns (hub). */
export const federationConfig = defineConfig('federation', {
  ...observabilityVariables,
  ...httpVariables,
  ...databaseVariables,
  ...busVariables,
  // The node port (NODE_GRPC_PORT) speaks mTLS: the hub's server certificate, client certificates from the consortium CA required.
  ...nodeTlsVariables,
  HTTP_PORT: vars.port({ description: 'HTTP port for health and metrics', default: '8084' }),
  GRPC_PORT: vars.port({ description: 'gRPC port of the coordinator API (reached only by the gateway)', default: '50054' }),
  NODE_GRPC_PORT: vars.port({ description: 'gRPC port store nodes dial into (the only port to expose to stores)', default: '50058' }),
  ROUNDS_TOPIC: vars.string({ description: 'Topic for round lifecycle events', default: 'federation.rounds.v1' }),
  RETENTION_SWEEPS_ENABLED: vars.boolean({ description: 'Apply the scheduler\'s round-artefact retention sweeps (retention.sweeps.v1, data class round_artefacts)', default: 'true' }),
  DEFAULT_STAGE_TIMEOUT_SECONDS: vars.integer({ description: 'Deadline of each round stage unless the round sets its own', default: '60', min: 1, max: 3600 }),
});

export type FederationConfig = ReturnType<typeof federationConfig.load>;
