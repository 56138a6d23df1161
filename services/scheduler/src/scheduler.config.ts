import { busVariables, databaseVariables, defineConfig, httpVariables, observabilityVariables, vars } from '@tessera/common';

/** Configuration of the scheduler service: recurring mining, rounds and retention (hub). */
export const schedulerConfig = defineConfig('scheduler', {
  ...observabilityVariables,
  ...httpVariables,
  ...databaseVariables,
  ...busVariables,
  HTTP_PORT: vars.port({ description: 'HTTP port for health and metrics', default: '8087' }),
});
