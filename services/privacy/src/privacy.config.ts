import { busVariables, databaseVariables, defineConfig, httpVariables, observabilityVariables, vars } from '@tessera/common';

/** Configuration of the privacy service: the store's guardian: DP noise, budget ledger, secure-aggregation client (store node). */
export const privacyConfig = defineConfig('privacy', {
  ...observabilityVariables,
  ...httpVariables,
  ...databaseVariables,
  ...busVariables,
  HTTP_PORT: vars.port({ description: 'HTTP port for health and metrics', default: '8085' }),
});
