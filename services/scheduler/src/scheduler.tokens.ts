/** Injection tokens for what the scheduler's module receives from its boot (resources opened before Nest starts). */
export const DATA_SOURCE = Symbol('scheduler.dataSource');
export const BUS = Symbol('scheduler.bus');
export const LOGGER = Symbol('scheduler.logger');
export const CONFIG = Symbol('scheduler.config');
export const MINING_CLIENT = Symbol('scheduler.miningClient');
export const FEDERATION_CLIENT = Symbol('scheduler.federationClient');
export const AUTH_CLIENT = Symbol('scheduler.authClient');
/** Extra or replacement run handlers by kind (tests count executions with one). */
export const RUN_HANDLER_OVERRIDES = Symbol('scheduler.runHandlerOverrides');
