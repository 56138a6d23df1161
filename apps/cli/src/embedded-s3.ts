import { mkdirSync } from 'node:fs';

/** s3rver's dummy account: the only credentials it accepts (it verifies signatures). */
export const S3RVER_CREDENTIALS = { S3_ACCESS_KEY: 'S3RVER', S3_SECRET_KEY: 'S3RVER' } as const;

export interface EmbeddedObjectStorage {
  /** The S3_* variables that point the ingestion service at it. */
  env: Record<'S3_ENDPOINT' | 'S3_ACCESS_KEY' | 'S3_SECRET_KEY' | 'S3_PATH_STYLE', string>;
  port: number;
  stop(): Promise<void>;
}

/**
 * The embedded default's object storage (`tessera start`): s3rver, an S3-compatible server that
 * needs only Node, on a local port, keeping its objects under `directory`. Ingestion reaches it
 * through the same minio client as it reaches S3Mock in tests and MinIO in production.
 */
export async function startEmbeddedObjectStorage(options: { directory: string; port?: number; host?: string }): Promise<EmbeddedObjectStorage> {
  mkdirSync(options.directory, { recursive: true });
  // loaded when used, so only the embedded commands pay for it (types: src/types/s3rver.d.ts)
  const { default: S3rver } = await import('s3rver');
  const host = options.host ?? '127.0.0.1';
  const server = new S3rver({ address: host, port: options.port ?? 0, directory: options.directory, silent: true, resetOnClose: false, vhostBuckets: false, allowMismatchedSignatures: false });
  const { port } = await server.run();
  return {
    env: { S3_ENDPOINT: `http://${host}:${port}`, ...S3RVER_CREDENTIALS, S3_PATH_STYLE: 'true' },
    port,
    stop: () => server.close(),
  };
}
