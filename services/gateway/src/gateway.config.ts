import { defineConfig, httpVariables, observabilityVariables, vars, type VariableSpec } from '@tessera/common';
import { parseVerifyKeys, type VerifyKeySet } from './access/verify-keys';

const verifyKeys = (options: { description: string; default?: string }): VariableSpec<VerifyKeySet> => ({ ...options, parse: parseVerifyKeys });

export const gatewayConfig = defineConfig('gateway', {
  ...observabilityVariables,
  ...httpVariables,
  HTTP_PORT: vars.port({ description: 'Port of the REST API, OpenAPI docs, health and metrics', default: '8080' }),
  INGESTION_GRPC_URL: vars.string({ description: 'host:port of the ingestion service (gRPC)', default: '127.0.0.1:50052' }),
  AUTH_GRPC_URL: vars.string({ description: 'host:port of the auth service (gRPC)', default: '127.0.0.1:50051' }),
  MINING_GRPC_URL: vars.string({ description: 'host:port of the mining service (gRPC)', default: '127.0.0.1:50053' }),
  PRIVACY_GRPC_URL: vars.string({ description: 'host:port of the privacy service (gRPC)', default: '127.0.0.1:50055' }),
  FEDERATION_GRPC_URL: vars.string({ description: 'host:port of the federation service (gRPC)', default: '127.0.0.1:50054' }),
  SCHEDULER_GRPC_URL: vars.string({ description: 'host:port of the scheduler service (gRPC)', default: '127.0.0.1:50057' }),
  INSIGHTS_GRPC_URL: vars.string({ description: "host:port of the store node's insights service (a store's own insights)", default: '127.0.0.1:50056' }),
  INSIGHTS_HUB_GRPC_URL: vars.string({ description: "host:port of the hub's insights service (consortium insights); the same as INSIGHTS_GRPC_URL in the all-in-one process", default: '127.0.0.1:50056' }),
  MAX_UPLOAD_BYTES: vars.integer({ description: 'Largest transaction file accepted by POST /api/transactions/upload, in bytes', default: String(100 * 1024 * 1024), min: 1024 }),
  JSON_BODY_LIMIT: vars.string({ description: 'Largest JSON request body (express body-parser size, e.g. 1mb)', default: '1mb' }),
  JSON_MAX_DEPTH: vars.integer({ description: 'Deepest nesting of objects and arrays accepted in a JSON request body (checked on the raw bytes before parsing; deeper bodies are refused with 400)', default: '32', min: 2, max: 512 }),
  CORS_ORIGINS: vars.string({ description: 'Comma-separated origins allowed by CORS (exact match, e.g. https://app.example.com); empty allows none', default: '' }),
  TRUST_PROXY: vars.string({ description: 'Express "trust proxy": which proxies may set X-Forwarded-For (e.g. 1 for one ingress hop, or loopback, 10.0.0.0/8); empty trusts none, so the client IP is the socket peer', default: '' }),
  JWT_VERIFY_KEYS: verifyKeys({ description: 'JSON array of EC P-256 public JWKs with "kid" that verify access tokens (the public half of the auth service\'s JWT_SIGNING_KEYS; `npx tessera admin signing-key` prints both)' }),
  JWT_ISSUER: vars.string({ description: 'Expected iss claim of access tokens', default: 'tessera-auth' }),
  JWT_AUDIENCE: vars.string({ description: 'Expected aud claim of access tokens', default: 'tessera-api' }),
  JWT_MAX_LIFETIME_SECONDS: vars.integer({ description: 'Longest lifetime (exp - iat) of an access token the gateway accepts; tokens without exp are always refused (keep it >= the auth service\'s ACCESS_TOKEN_TTL_SECONDS)', default: '3600', min: 30, max: 86400 }),
  PRINCIPAL_CACHE_TTL_MS: vars.integer({ description: 'How long the gateway trusts what the auth service said about a user, or the ingestion service about an API key; a deleted user or revoked key is refused at most this long after', default: '5000', min: 0, max: 300000 }),
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
});

export type GatewayConfig = ReturnType<typeof gatewayConfig.load>;
