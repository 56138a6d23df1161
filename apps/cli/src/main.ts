import type { Writable } from 'node:stream';

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

type Command = (argv: string[], io: CommandIo) => Promise<number>;

/**
 * Commands load lazily so `tessera mine` does not pay for starting NestJS. Each module
 * exports `<name>Command(argv, io)`.
 */
const commands: Record<string, { summary: string; module: string }> = {
  start: { summary: 'run every service in one process on embedded defaults, with demo stores', module: 'start' },
  serve: { summary: 'run one service (gateway, auth, ingestion, mining, federation, privacy, insights, scheduler)', module: 'serve' },
  mine: { summary: 'mine high-utility itemsets from a file', module: 'mine' },
  privacy: { summary: 'sample DP noise and convert between zCDP and (epsilon, delta)', module: 'privacy' },
  secagg: { summary: 'run the secure aggregation protocol in memory (bench)', module: 'secagg' },
  round: { summary: 'run one federated round on embedded defaults from a transaction file', module: 'round' },
  bundles: { summary: 'run one federated round and print the bundles it yields (revenue impact, confidence, lift)', module: 'bundles' },
  forecast: { summary: 'forecast the demand of the top items of a file, with intervals and backtests', module: 'forecast' },
  admin: { summary: 'bootstrap accounts, stores and regions in the auth database; make JWT signing keys; issue the consortium CA and node/hub certificates', module: 'admin' },
};

async function load(name: string): Promise<Command> {
  const loaded = (await import(`./commands/${commands[name].module}`)) as Record<string, Command>;
  return loaded[`${name}Command`];
}

export function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return ['usage: tessera <command> [options]', '', ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`), ''].join('\n');
}

export async function run(argv: string[], io: CommandIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr).write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`tessera: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  let loaded: Command;
  try {
    loaded = await load(name);
  } catch (error) {
    io.stderr.write(`tessera ${name}: not available in this build (${(error as Error).message})\n`);
    return 2;
  }
  return loaded(rest, io);
}

export type { Writable };
