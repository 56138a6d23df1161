import { ConfigError } from '@tessera/common';
import type { CommandIo } from '../main';
import { SERVICES, SERVICE_NAMES, type ServiceName } from '../services';

/** `tessera serve <service>`: one service as its own process, configured from the environment. */
export async function serveCommand(argv: string[], io: CommandIo): Promise<number> {
  const name = argv[0] as ServiceName;
  if (!name || !SERVICES[name]) {
    io.stderr.write(`usage: tessera serve <${SERVICE_NAMES.join('|')}>\n`);
    return 2;
  }
  if (process.env.BUS_DRIVER === 'memory') {
    io.stderr.write(`tessera serve ${name}: BUS_DRIVER=memory only works inside \`tessera start\`; set BUS_DRIVER=kafka\n`);
    return 2;
  }
  let service;
  try {
    service = await SERVICES[name](process.env);
  } catch (error) {
    io.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `tessera serve ${name}: could not start: ${(error as Error).stack ?? error}\n`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      io.stderr.write(`${name}: ${signal} received, shutting down\n`);
      const timer = setTimeout(() => resolve(1), 15_000);
      timer.unref();
      service.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
