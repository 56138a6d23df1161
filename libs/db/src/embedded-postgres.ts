import { mkdirSync } from 'node:fs';
import { keepExtendedProtocolExchangesTogether } from './pglite-exchange-queue';

export interface EmbeddedPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * PGlite (Postgres compiled to WebAssembly) served on a local TCP port through
 * pglite-socket, so services use the same `pg` driver and migrations as in production.
 * The socket server multiplexes its connections over PGlite's single session: keep
 * transactions short, and do not rely on session state (advisory locks are per process
 * here, which is fine because the embedded mode is one process).
 */
export async function startEmbeddedPostgres(options: { dataDir?: string; port?: number; maxConnections?: number } = {}): Promise<EmbeddedPostgres> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? 'memory://');
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: options.maxConnections ?? 64 });
  if (process.env.PGLITE_SOCKET_RAW !== 'true') keepExtendedProtocolExchangesTogether(server);
  await server.start();
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  const port = address.port;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
