import { ConfigError, type RunningService } from '@tessera/common';
import type { CommandIo } from '../main';
import { SERVICES, SERVICE_NAMES, type ServiceName } from '../services';

/**
 * Environment of one service when several share a process: variables named
 * `<SERVICE>__NAME` (e.g. MINING__GRPC_PORT) override NAME for that service only.
 */
export function serviceEnv(name: string, env: Record<string, string | undefined>): Record<string, string | undefined> {
  const prefix = `${name.toUpperCase()}__`;
  const own = Object.fromEntries(Object.entries(env).filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value]));
  return { ...env, ...own };
}

/**
 * `tessera serve <service>[,<service>…]`: services as one process, configured from the
 * environment. A store node is typically `tessera serve ingestion,mining,privacy`.
 */
export async function serveCommand(argv: string[], io: CommandIo): Promise<number> {
  const names = (argv[0] ?? '').split(',').filter(Boolean) as ServiceName[];
  const unknown = names.filter((name) => !SERVICES[name]);
  if (names.length === 0 || unknown.length > 0) {
    io.stderr.write(`usage: tessera serve <service>[,<service>...]   services: ${SERVICE_NAMES.join(', ')}${unknown.length ? `\nunknown: ${unknown.join(', ')}` : ''}\n`);
    return 2;
  }
  if (process.env.BUS_DRIVER === 'memory') {
    io.stderr.write('tessera serve: BUS_DRIVER=memory only works inside `tessera start`; set BUS_DRIVER=kafka\n');
    return 2;
  }
  const running: RunningService[] = [];
  // Start in dependency order (store-node services before hub ones, gateway last).
  for (const name of SERVICE_NAMES.filter((n) => names.includes(n))) {
    try {
      running.push(await SERVICES[name](serviceEnv(name, process.env)));
    } catch (error) {
      io.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `tessera serve ${name}: could not start: ${(error as Error).stack ?? error}\n`);
      for (const service of running.reverse()) await service.close().catch(() => undefined);
      return 1;
    }
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      io.stderr.write(`${names.join(',')}: ${signal} received, shutting down\n`);
      const timer = setTimeout(() => resolve(1), 15_000);
      timer.unref();
      (async () => {
        for (const service of running.reverse()) await service.close();
      })().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
