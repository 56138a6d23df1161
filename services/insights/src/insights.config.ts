import { busVariables, databaseVariables, defineConfig, httpVariables, observabilityVariables, vars } from '@tessera/common';

/** Configuration of the insights service: bundles, trends, forecasts and pricing hints (hub). */
export const insightsConfig = defineConfig('insights', {
  ...observabilityVariables,
  ...httpVariables,
  ...databaseVariables,
  ...busVariables,
  HTTP_PORT: vars.port({ description: 'HTTP port for health and metrics', default: '8086' }),
});
