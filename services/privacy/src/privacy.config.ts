import { busVariables, databaseVariables, defineConfig, httpVariables, observabilityVariables, vars } from '@tessera/common';

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
  HTTP_PORT: vars.port({ description: 'HTTP port for health and metrics', default: '8085' }),
  GRPC_PORT: vars.port({ description: 'gRPC port of the privacy service', default: '50055' }),
  DEFAULT_EPSILON_CAP: positiveNumber('Lifetime epsilon cap of a store that has not set its own', '10', 100),
  DEFAULT_DELTA: positiveNumber('Delta at which epsilon is reported', '1e-5', 0.01),
  DEFAULT_ROUND_EPSILON: positiveNumber('Epsilon a store offers a round unless it sets its own', '1', 100),
  LEDGER_TOPIC: vars.string({ description: 'Topic announcing committed ledger entries', default: 'privacy.ledger.v1' }),
});

export type PrivacyConfig = ReturnType<typeof privacyConfig.load>;
