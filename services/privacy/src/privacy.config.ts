import { busVariables, databaseVariables, defineConfig, httpVariables, nodeTlsVariables, observabilityVariables, vars } from '@tessera/common';

const positiveNumber = (description: string, defaultValue: string, max: number) => ({
  description,
  default: defaultValue,
  parse: (raw: string) => {
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`must be a number in (0, ${max}]`);
    return value;
  },
});

/** Configuration of the privacy service: the store's guardian (store node). */
export const privacyConfig = defineConfig('privacy', {
  ...observabilityVariables,
  ...httpVariables,
  ...databaseVariables,
  ...busVariables,
  // The link to the hub (FEDERATION_HUB_URL) speaks mTLS with this node's client certificate, whose
  // store id must be the store it connects as. A node speaking for several stores (FEDERATION_STORE_IDS)
  // holds one certificate per store: write {storeId} in NODE_TLS_CERT_FILE and NODE_TLS_KEY_FILE.
  ...nodeTlsVariables,
  HTTP_PORT: vars.port({ description: 'HTTP port for health and metrics', default: '8085' }),
  GRPC_PORT: vars.port({ description: 'gRPC port of the privacy service', default: '50055' }),
  DEFAULT_EPSILON_CAP: positiveNumber('Lifetime epsilon cap of a store that has not set its own', '10', 100),
  DEFAULT_DELTA: positiveNumber('Delta at which epsilon is reported', '1e-5', 0.01),
  DEFAULT_ROUND_EPSILON: positiveNumber('Epsilon a store offers a round unless it sets its own', '1', 100),
  LEDGER_TOPIC: vars.string({ description: 'Topic announcing committed ledger entries', default: 'privacy.ledger.v1' }),
  FEDERATION_HUB_URL: vars.string({ description: "host:port of the hub's federation node endpoint this node dials out to; empty disables federation", default: '' }),
  FEDERATION_STORE_IDS: vars.string({ description: 'Comma-separated stores this node speaks for in federated rounds (one stream each; under mTLS each with its own certificate: {storeId} in NODE_TLS_CERT_FILE and NODE_TLS_KEY_FILE is replaced by the store id)', default: '' }),
  FEDERATION_AUTO_ENROL_URL: vars.string({ description: "Development only: host:port of the hub's federation coordinator API, to enrol this node's stores by itself; in production a coordinator enrols them", default: '' }),
  FEDERATION_MEASUREMENT_DELAY_MS: vars.integer({ description: 'Fault-injection drills and tests only: wait this long before answering a measurement request (default 0)', default: '0', min: 0, max: 600000 }),
  MINING_GRPC_URL: vars.string({ description: "host:port of this node's mining service (proposals and measurements for rounds)", default: '127.0.0.1:50053' }),
});

export type PrivacyConfig = ReturnType<typeof privacyConfig.load>;
