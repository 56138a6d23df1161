/** Values and clients the privacy providers take (the classes are their own tokens). */
export const BUDGET_DEFAULTS = Symbol('BUDGET_DEFAULTS');
export const LEDGER_TOPIC = Symbol('LEDGER_TOPIC');
export const MINING_CLIENT = Symbol('MINING_CLIENT');
/** The federated client (`FederationNodeClient`), or null when this node takes no part in rounds. */
export const FEDERATION_NODE_CLIENT = Symbol('FEDERATION_NODE_CLIENT');
