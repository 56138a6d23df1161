import { busVariables, databaseVariables, defineConfig, httpVariables, observabilityVariables, vars } from '@tessera/common';

export const ingestionConfig = defineConfig('ingestion', {
  ...observabilityVariables,
  ...httpVariables,
  ...databaseVariables,
  ...busVariables,
  HTTP_PORT: vars.port({ description: 'HTTP port for health and metrics', default: '8082' }),
  GRPC_PORT: vars.port({ description: 'gRPC port of the ingestion service', default: '50052' }),
  CUSTOMER_HASH_KEY: vars.string({ description: 'Secret key (>= 32 chars) for hashing customer ids; customer ids are never stored in the clear', sensitive: true, minLength: 32 }),
  MAX_UPLOAD_BYTES: vars.integer({ description: 'Largest accepted upload, in bytes', default: String(100 * 1024 * 1024), min: 1024 }),
  POS_CONSUMER_GROUP: vars.string({ description: 'Kafka consumer group for pos.transactions.v1', default: 'tessera-ingestion' }),
  POS_CONSUMER_ENABLED: vars.boolean({ description: 'Consume POS events from the bus', default: 'true' }),
  POS_TOPIC: vars.string({ description: 'Topic of POS transaction events', default: 'pos.transactions.v1' }),
  POS_DLQ_TOPIC: vars.string({ description: 'Dead-letter topic for rejected POS events', default: 'pos.transactions.dlq.v1' }),
  BATCHES_TOPIC: vars.string({ description: 'Topic announcing committed ingestion batches', default: 'ingestion.batches.v1' }),
  POS_BATCH_SIZE: vars.integer({ description: 'Most POS events stored per database transaction', default: '2000', min: 1, max: 50000 }),
  FILE_BATCH_SIZE: vars.integer({ description: 'Transactions stored per database transaction during file uploads', default: '1000', min: 1, max: 50000 }),
  S3_ENDPOINT: vars.url({ description: 'S3-compatible endpoint of the bucket that keeps uploaded files (MinIO, S3Mock in tests, s3rver in tessera start), e.g. http://127.0.0.1:9090', protocols: ['http:', 'https:'] }),
  S3_REGION: vars.string({ description: 'Region of the upload bucket', default: 'us-east-1', minLength: 1 }),
  S3_BUCKET: vars.string({ description: 'Bucket for uploaded files (created at boot if missing)', default: 'tessera-uploads', minLength: 3 }),
  S3_ACCESS_KEY: vars.string({ description: 'Access key for the S3 endpoint (empty: anonymous)', default: '' }),
  S3_SECRET_KEY: vars.string({ description: 'Secret key for the S3 endpoint', default: '', sensitive: true }),
  S3_PATH_STYLE: vars.boolean({ description: 'Address the bucket path-style (http://host/bucket/key), as MinIO and S3Mock expect; false for virtual-hosted style', default: 'true' }),
  FILE_RETENTION_DAYS: vars.integer({ description: 'Uploaded files (their objects and records) older than this many days are deleted; 0 keeps them forever', default: '0', min: 0, max: 36500 }),
});

export type IngestionConfig = ReturnType<typeof ingestionConfig.load>;
