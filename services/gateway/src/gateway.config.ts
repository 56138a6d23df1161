import { defineConfig, httpVariables, observabilityVariables, vars } from '@tessera/common';

export const gatewayConfig = defineConfig('gateway', {
  ...observabilityVariables,
  ...httpVariables,
  HTTP_PORT: vars.port({ description: 'Port of the REST API, OpenAPI docs, health and metrics', default: '8080' }),
  INGESTION_GRPC_URL: vars.string({ description: 'host:port of the ingestion service (gRPC)', default: '127.0.0.1:50052' }),
  MAX_UPLOAD_BYTES: vars.integer({ description: 'Largest transaction file accepted by POST /api/transactions/upload, in bytes', default: String(100 * 1024 * 1024), min: 1024 }),
  JSON_BODY_LIMIT: vars.string({ description: 'Largest JSON request body (express body-parser size, e.g. 1mb)', default: '1mb' }),
  CORS_ORIGINS: vars.string({ description: 'Comma-separated origins allowed by CORS; empty allows none', default: '' }),
});

export type GatewayConfig = ReturnType<typeof gatewayConfig.load>;
