import { defineConfig, httpVariables, nodeTlsVariables, nodeStoreIdsVariable, observabilityVariables, storeIdsIn, vars, type VariableSpec } from '@tessera/common';
import { parseVerifyKeys, type VerifyKeySet } from './access/verify-keys';

const verifyKeys = (options: { description: string; default?: string }): VariableSpec<VerifyKeySet> => ({ ...options, parse: parseVerifyKeys });

/**
 * The gateway runs in one of three roles (docs/architecture.md, "Two fronts"):
 * - hub: the consortium's front (sign-in, users, regions, stores, rounds, global results,
 *   consortium insights, the hub's schedules, audit). It has no route, gRPC client or variable that
 *   reaches a store's raw data or one store's numbers.
 * - store-node: one store node's front door (uploads, transactions, mining, privacy, API
 *   keys, POS events, the store's own insights, the node's schedules and erasure requests); sign-in is proxied to the hub (HUB_URL),
 *   tokens are verified locally with the hub's published keys.
 * - all: both in one process, signing in locally: the all-in-one `tessera start` and hosted
 *   single-tenant installs only; a real consortium runs hub and store-node gateways.
 */
export const GATEWAY_ROLES = ['hub', 'store-node', 'all'] as const;
export type GatewayRole = (typeof GATEWAY_ROLES)[number];

const roleVariable = {
  GATEWAY_ROLE: vars.oneOf(GATEWAY_ROLES, { description: 'Which front this gateway is: hub (the consortium), store-node (one store node\'s front door, signing in through HUB_URL) or all (both in one process: development and hosted all-in-one only)', default: 'all' }),
};

/** Every role: HTTP, JSON limits, CORS, token checks, rate limits, circuit breakers, dashboard, metrics. */
const commonVariables = {
  ...observabilityVariables,
  ...httpVariables,
  ...roleVariable,
  HTTP_PORT: vars.port({ description: 'Port of the REST API, OpenAPI docs, health and metrics', default: '8080' }),
  JSON_BODY_LIMIT: vars.string({ description: 'Largest JSON request body (express body-parser size, e.g. 1mb)', default: '1mb' }),
  JSON_MAX_DEPTH: vars.integer({ description: 'Deepest nesting of objects and arrays accepted in a JSON request body (checked on the raw bytes before parsing; deeper bodies are refused with 400)', default: '32', min: 2, max: 512 }),
  CORS_ORIGINS: vars.string({ description: 'Comma-separated origins allowed by CORS (exact match, e.g. https://app.example.com); empty allows none', default: '' }),
  TRUST_PROXY: vars.string({ description: 'Express "trust proxy": which proxies may set X-Forwarded-For (e.g. 1 for one ingress hop, or loopback, 10.0.0.0/8); empty trusts none, so the client IP is the socket peer', default: '' }),
  JWT_ISSUER: vars.string({ description: 'Expected iss claim of access tokens', default: 'tessera-auth' }),
  JWT_AUDIENCE: vars.string({ description: 'Expected aud claim of access tokens', default: 'tessera-api' }),
  JWT_MAX_LIFETIME_SECONDS: vars.integer({ description: 'Longest lifetime (exp - iat) of an access token the gateway accepts; tokens without exp are always refused (keep it >= the auth service\'s ACCESS_TOKEN_TTL_SECONDS)', default: '3600', min: 30, max: 86400 }),
  PRINCIPAL_CACHE_TTL_MS: vars.integer({ description: 'How long the gateway trusts what the auth service (on a store node: the hub) said about a user, or the node\'s ingestion service about an API key; a deleted user or revoked key is refused at most this long after', default: '5000', min: 0, max: 300000 }),
  RATE_LIMIT_DRIVER: vars.oneOf(['redis', 'memory'] as const, { description: 'Where rate-limit counters live: redis (shared by every gateway replica) or memory (one process only, the all-in-one npm start)', default: 'redis' }),
  REDIS_URL: vars.url({ protocols: ['redis:', 'rediss:'], description: 'Redis for the shared rate-limit counters when RATE_LIMIT_DRIVER=redis', default: 'redis://127.0.0.1:6379', sensitive: true }),
  RATE_LIMIT_PREFIX: vars.string({ description: 'Prefix of the rate-limit keys in Redis (gateways that share limits use the same prefix)', default: 'tessera:rl' }),
  RATE_LIMIT_WINDOW_SECONDS: vars.integer({ description: 'Sliding window of the rate limits', default: '60', min: 1, max: 3600 }),
  RATE_LIMIT_PER_IP: vars.integer({ description: 'Requests per window from one client IP (every /api route, signed in or not)', default: '600', min: 1 }),
  RATE_LIMIT_PER_USER: vars.integer({ description: 'Requests per window by one signed-in user', default: '300', min: 1 }),
  RATE_LIMIT_PER_API_KEY: vars.integer({ description: 'Requests per window with one API key', default: '1200', min: 1 }),
  CIRCUIT_ERROR_PERCENT: vars.integer({ description: 'Share of failed calls (unavailable or timed out) to a downstream service, in a 10 s window, that opens its circuit', default: '50', min: 1, max: 100 }),
  CIRCUIT_MIN_CALLS: vars.integer({ description: 'Calls in the window before a circuit may open', default: '5', min: 1 }),
  CIRCUIT_RESET_SECONDS: vars.integer({ description: 'How long an open circuit answers 503 before it lets one trial call through', default: '10', min: 1, max: 600 }),
  DASHBOARD_DIR: vars.string({ description: 'Folder of the dashboard build served at / (empty: apps/dashboard/dist of this installation; without a build / answers 404)', default: '' }),
  METRICS_TOKEN: vars.string({ description: 'When set, GET /metrics requires "Authorization: Bearer <token>" (set it when the ingress exposes the gateway port publicly)', default: '', sensitive: true }),
  ...nodeTlsVariables,
};

/** The scheduler of this front: the hub's (rounds, consortium insights, the hub's retention) or a store node's own (mining, its insights, retention, erasure). */
const schedulerVariables = {
  SCHEDULER_GRPC_URL: vars.string({ description: "host:port of the scheduler service (gRPC): on the hub the hub's scheduler, on a store node the node's own (SCHEDULER_ROLE=store-node)", default: '127.0.0.1:50057' }),
};

/** The hub's services: accounts, rounds, schedules, consortium insights. Nothing here holds a store's raw data. */
const hubServiceVariables = {
  AUTH_GRPC_URL: vars.string({ description: 'host:port of the auth service (gRPC)', default: '127.0.0.1:50051' }),
  FEDERATION_GRPC_URL: vars.string({ description: 'host:port of the federation service (gRPC)', default: '127.0.0.1:50054' }),
  INSIGHTS_HUB_GRPC_URL: vars.string({ description: "host:port of the hub's insights service (consortium insights); the same as INSIGHTS_GRPC_URL in the all-in-one process", default: '127.0.0.1:50056' }),
  JWT_VERIFY_KEYS: verifyKeys({ description: 'JSON array of EC P-256 public JWKs with "kid" that verify access tokens (the public half of the auth service\'s JWT_SIGNING_KEYS; `npx tessera admin signing-key` prints both); the hub publishes them at GET /api/auth/keys for store-node gateways' }),
};

/** The store node's own services: raw transactions, mining, privacy, its insights. */
const storeNodeServiceVariables = {
  INGESTION_GRPC_URL: vars.string({ description: 'host:port of the ingestion service (gRPC)', default: '127.0.0.1:50052' }),
  MINING_GRPC_URL: vars.string({ description: 'host:port of the mining service (gRPC)', default: '127.0.0.1:50053' }),
  PRIVACY_GRPC_URL: vars.string({ description: 'host:port of the privacy service (gRPC)', default: '127.0.0.1:50055' }),
  INSIGHTS_GRPC_URL: vars.string({ description: "host:port of the store node's insights service (a store's own insights)", default: '127.0.0.1:50056' }),
  MAX_UPLOAD_BYTES: vars.integer({ description: 'Largest transaction file accepted by POST /api/transactions/upload, in bytes', default: String(100 * 1024 * 1024), min: 1024 }),
};

const NODE_API_PORT_DESCRIPTION = "HTTPS port of the hub gateway's node front, for store-node gateways (sign-in, /api/auth/keys, global results): client certificates from the consortium CA are required (NODE_TLS_*; plain HTTP when NODE_TLS_MODE=plaintext); 0 disables it";
/** The hub's node front: on by default on the hub; off by default in the all-in-one process. */
const hubNodeFrontVariables = {
  NODE_API_PORT: vars.port({ description: NODE_API_PORT_DESCRIPTION, default: '8443' }),
};
const allNodeFrontVariables = {
  NODE_API_PORT: vars.port({ description: NODE_API_PORT_DESCRIPTION, default: '0' }),
};

/** How a store-node gateway reaches the hub: outbound only, over the hub's node front. */
const hubLinkVariables = {
  HUB_URL: vars.url({ protocols: ['https:', 'http:'], description: "URL of the hub gateway's node front (NODE_API_PORT), e.g. https://hub.example.org:8443; http: only with NODE_TLS_MODE=plaintext" }),
  NODE_STORE_IDS: nodeStoreIdsVariable('Comma-separated ids of the stores this node serves; a signed-in user or API key of another store is refused (403)'),
  HUB_KEYS_CACHE_FILE: vars.string({ description: "File keeping the token verify keys last fetched from the hub (GET /api/auth/keys), so a restart during a hub outage still verifies tokens; empty keeps them in memory only", default: '' }),
  HUB_KEYS_REFRESH_SECONDS: vars.integer({ description: "How often the hub's verify keys are fetched again (and at once when a token names an unknown kid)", default: '300', min: 5, max: 86400 }),
  HUB_TIMEOUT_MS: vars.integer({ description: 'Deadline of one request to the hub; past it the hub counts as unreachable (cached principals and the token\'s own claims take over)', default: '5000', min: 100, max: 60000 }),
};

/** The all-in-one role (first: the chart tests read it as the gateway's): the hub's and the store node's services in one process, signing in locally (no hub link, node front off by default). */
export const gatewayConfig = defineConfig('gateway', {
  ...commonVariables,
  ...hubServiceVariables,
  ...storeNodeServiceVariables,
  ...schedulerVariables,
  ...allNodeFrontVariables,
});
export const gatewayHubConfig = defineConfig('gateway', {
  ...commonVariables,
  ...hubServiceVariables,
  ...schedulerVariables,
  ...hubNodeFrontVariables,
});
export const gatewayStoreNodeConfig = defineConfig('gateway', {
  ...commonVariables,
  ...storeNodeServiceVariables,
  ...schedulerVariables,
  ...hubLinkVariables,
});

/** One definition per role, each documented by `npm run config:docs`. */
export const gatewayRoleConfigs = { hub: gatewayHubConfig, 'store-node': gatewayStoreNodeConfig, all: gatewayConfig } as const;

export type GatewayHubConfig = ReturnType<typeof gatewayHubConfig.load>;
export type GatewayStoreNodeConfig = ReturnType<typeof gatewayStoreNodeConfig.load>;
export type GatewayAllConfig = ReturnType<typeof gatewayConfig.load>;
/** What any role's config holds (the variables every role shares); role modules take their own type. */
export type GatewayConfig = GatewayHubConfig | GatewayStoreNodeConfig | GatewayAllConfig;

const roleConfig = defineConfig('gateway', roleVariable);

/** Reads GATEWAY_ROLE, then validates that role's variables (a bad value is a ConfigError naming it). */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const { GATEWAY_ROLE } = roleConfig.load(env);
  return gatewayRoleConfigs[GATEWAY_ROLE].load(env);
}

export function nodeStoreIdsOf(config: Pick<GatewayStoreNodeConfig, 'NODE_STORE_IDS'>): string[] {
  return storeIdsIn(config.NODE_STORE_IDS);
}
