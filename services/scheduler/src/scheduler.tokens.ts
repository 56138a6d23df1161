/** The core's tokens (config, logger, bus come from @tessera/nest-core's CoreModule) and the scheduler's own. */
export { BUS, LOGGER, SERVICE_CONFIG as CONFIG } from '@tessera/nest-core';
export const MINING_CLIENT = Symbol('scheduler.miningClient');
export const FEDERATION_CLIENT = Symbol('scheduler.federationClient');
export const AUTH_CLIENT = Symbol('scheduler.authClient');
/** Extra or replacement run handlers by kind (tests count executions with one). */
export const RUN_HANDLER_OVERRIDES = Symbol('scheduler.runHandlerOverrides');
/** What this scheduler's role runs (SchedulerRoleRules): kinds, data classes, erasure, a store node's stores. */
export const ROLE_RULES = Symbol('scheduler.roleRules');
