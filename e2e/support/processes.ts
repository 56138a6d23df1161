import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

// e2e/dist/support -> repository root
export const REPO_ROOT = resolve(__dirname, '../../..');
const TESSERA_BIN = resolve(REPO_ROOT, 'apps/cli/bin/tessera.js');

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port for a service under test, chosen below the OS's ephemeral range (32768+ on
 * Linux): a port from listen(0) is an ephemeral one, which an outbound connection (Kafka,
 * Postgres) can take before the service binds it.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if (await canBind(port)) return port;
  }
  throw new Error('no free port found between 20000 and 32000');
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  httpPort: number;
  grpcPort?: number;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `tessera serve <name>` as its own process and waits until /health/ready answers 200. */
export async function startServiceProcess(name: string, env: Record<string, string>, options: { grpc?: boolean; httpPort?: number; grpcPort?: number } = {}): Promise<ServiceProcess> {
  const httpPort = options.httpPort ?? (await freePort());
  const grpcPort = options.grpc === false ? undefined : (options.grpcPort ?? (await freePort()));
  let output = '';
  const child = spawn(process.execPath, [TESSERA_BIN, 'serve', name], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, HTTP_PORT: String(httpPort), ...(grpcPort ? { GRPC_PORT: String(grpcPort) } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const service: ServiceProcess = {
    name,
    child,
    httpPort,
    grpcPort,
    output: () => output,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
  try {
    await waitFor(`${name} to become ready`, async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output.slice(-2000)}`);
      const response = await fetch(`http://127.0.0.1:${httpPort}/health/ready`);
      return response.status === 200;
    }, 60_000);
  } catch (error) {
    await service.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${output.slice(-3000)}`);
  }
  return service;
}
