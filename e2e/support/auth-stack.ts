/**
 * The hub's front door for end-to-end tests: the auth service, ingestion and one or more
 * gateways as separate `tessera serve` processes on the real Postgres, Redis and Kafka,
 * with signing keys made for the test (so it can also mint expired or tampered tokens),
 * an auth schema of its own, and a first admin created with the `tessera admin` CLI.
 */
import { spawn } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import jwt from 'jsonwebtoken';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { freePort, REPO_ROOT, startServiceProcess, type ServiceProcess } from './processes';
import { DATABASE_URL, KAFKA_BROKERS, S3_ENV, uniqueId } from './infra';
import { testNodeTls, type TestNodeTls } from './node-tls';

const TESSERA_BIN = resolve(REPO_ROOT, 'apps/cli/bin/tessera.js');
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface SigningMaterial {
  kid: string;
  privateKey: KeyObject;
  signingKeys: string;
  verifyKeys: string;
}

export function makeSigningMaterial(kid = uniqueId('kid')): SigningMaterial {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    privateKey,
    signingKeys: JSON.stringify([{ ...privateKey.export({ format: 'jwk' }), kid }]),
    verifyKeys: JSON.stringify([{ ...publicKey.export({ format: 'jwk' }), kid }]),
  };
}

/** Runs the tessera CLI and returns its exit code and output. */
export function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [TESSERA_BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => ok({ code: code ?? 1, stdout, stderr }));
  });
}

export interface HttpAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  apiKey?: string;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  /** An endless answer (server-sent events): take the status and headers, then hang up. */
  stream?: boolean;
}

export async function http(port: number, method: string, path: string, options: CallOptions = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.apiKey) headers['x-api-key'] = options.apiKey;
  let body: string | FormData | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) body = options.form;
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers, body });
  if (options.stream && response.status === 200) {
    await response.body?.cancel();
    return { status: response.status, body: '', headers: response.headers };
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // metrics and other text answers stay text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

export interface Session {
  token: string;
  refreshToken: string;
  user: { id: string; email: string; role: string; storeId: string | null };
}

export interface AuthStack {
  schema: string;
  keys: SigningMaterial;
  auth: ServiceProcess;
  ingestion: ServiceProcess;
  insights: ServiceProcess;
  gateways: ServiceProcess[];
  /** The hub's federation service: its gRPC port starts rounds of every kind; its store-node port is `federationEnv.NODE_GRPC_PORT` when given. */
  federation: ServiceProcess;
  /** The throwaway consortium CA of the stack's node links, with a certificate per federated store. */
  nodeTls: TestNodeTls;
  port: number;
  admin: { email: string; password: string; session: Session };
  login(email: string, password: string, gateway?: number): Promise<Session>;
  /** Signs claims with the test's key, as the auth service would (for expired or odd tokens). */
  mint(claims: Record<string, unknown>, options?: { kid?: string }): string;
  close(): Promise<void>;
}

export interface StackOptions {
  gateways?: number;
  authEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
  federationEnv?: Record<string, string>;
  /** Stores the stack's one privacy service (a store node holding them all) connects to the hub, so rounds can run. */
  federatedStores?: string[];
  insightsEnv?: Record<string, string>;
  /** Further stores to issue throwaway node certificates for (store-node processes a spec starts itself: `stack.nodeTls.nodeEnv(storeId)`). */
  nodeCertificateStores?: string[];
}

export const authEnvFor = (schema: string, keys: SigningMaterial): Record<string, string> => ({
  DATABASE_URL,
  DATABASE_SCHEMA: schema,
  JWT_SIGNING_KEYS: keys.signingKeys,
  SCRYPT_COST: '15',
});

export async function startAuthStack(options: StackOptions = {}): Promise<AuthStack> {
  const schema = uniqueId('auth').replace(/-/g, '_');
  const keys = makeSigningMaterial();
  const started: ServiceProcess[] = [];
  // The node link (privacy -> the hub's node port) over mTLS with a throwaway CA, one certificate per federated store.
  const nodeTls = await testNodeTls([...new Set([...(options.federatedStores ?? []), ...(options.nodeCertificateStores ?? [])])]);
  const stop = async () => {
    for (const process of started.reverse()) await process.kill();
    nodeTls.remove();
  };
  try {
    const auth = await startServiceProcess('auth', { ...authEnvFor(schema, keys), ...options.authEnv });
    started.push(auth);
    let ingestion: ServiceProcess | undefined;
    {
      const batchesTopic = `ingestion.batches.v1.${schema}`;
      const kafka = new Kafka({ clientId: schema, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
      const kafkaAdmin = kafka.admin();
      await kafkaAdmin.connect();
      await kafkaAdmin.createTopics({ waitForLeaders: true, topics: [batchesTopic, `federation.rounds.v1.${schema}`, `insights.refreshed.v1.${schema}`].map((topic) => ({ topic, numPartitions: 1 })) }).finally(() => kafkaAdmin.disconnect());
      ingestion = await startServiceProcess('ingestion', {
        ...S3_ENV,
        DATABASE_URL,
        BUS_DRIVER: 'kafka',
        KAFKA_BROKERS: KAFKA_BROKERS.join(','),
        CUSTOMER_HASH_KEY: 'e2e-customer-hash-key-0123456789abcdef',
        POS_CONSUMER_ENABLED: 'false',
        BATCHES_TOPIC: batchesTopic,
      });
      started.push(ingestion);
    }
    const ingestionUrl = `127.0.0.1:${ingestion!.grpcPort}`;
    // The store node's mining and privacy services, each in its own schema, behind the gateway's mining and privacy routes.
    const storeNodeEnv = { DATABASE_URL, BUS_DRIVER: 'kafka', KAFKA_BROKERS: KAFKA_BROKERS.join(','), INGESTION_GRPC_URL: ingestionUrl };
    const mining = await startServiceProcess('mining', { ...storeNodeEnv, DATABASE_SCHEMA: `${schema}_mining` });
    started.push(mining);
    const roundsTopic = `federation.rounds.v1.${schema}`;
    const nodePort = options.federatedStores ? await freePort() : 0;
    const federation = await startServiceProcess('federation', { DATABASE_URL, BUS_DRIVER: 'kafka', KAFKA_BROKERS: KAFKA_BROKERS.join(','), DATABASE_SCHEMA: `${schema}_federation`, NODE_GRPC_PORT: String(nodePort), ROUNDS_TOPIC: roundsTopic, ...nodeTls.hubEnv, ...options.federationEnv });
    started.push(federation);
    const federated: Record<string, string> = options.federatedStores
      ? { FEDERATION_HUB_URL: `127.0.0.1:${nodePort}`, FEDERATION_AUTO_ENROL_URL: `127.0.0.1:${federation.grpcPort}`, FEDERATION_STORE_IDS: options.federatedStores.join(','), MINING_GRPC_URL: `127.0.0.1:${mining.grpcPort}`, ...nodeTls.multiStoreNodeEnv }
      : {};
    const privacy = await startServiceProcess('privacy', { ...storeNodeEnv, DATABASE_SCHEMA: `${schema}_privacy`, ...federated });
    started.push(privacy);
    // Insights as both roles, like the all-in-one process: the node's own and the hub's.
    const insights = await startServiceProcess('insights', {
      ...storeNodeEnv,
      DATABASE_SCHEMA: `${schema}_insights`,
      INSIGHTS_ROLE: 'both',
      MINING_GRPC_URL: `127.0.0.1:${mining.grpcPort}`,
      FEDERATION_GRPC_URL: `127.0.0.1:${federation.grpcPort}`,
      ROUNDS_TOPIC: roundsTopic,
      BATCHES_TOPIC: `ingestion.batches.v1.${schema}`,
      REFRESHED_TOPIC: `insights.refreshed.v1.${schema}`,
      INSIGHTS_REFRESH_DEBOUNCE_MS: '300',
      ...options.insightsEnv,
    });
    started.push(insights);
    const scheduler = await startServiceProcess('scheduler', {
      ...storeNodeEnv,
      DATABASE_SCHEMA: `${schema}_scheduler`,
      BOSS_SCHEMA: `${schema}_boss`,
      MINING_GRPC_URL: `127.0.0.1:${mining.grpcPort}`,
      FEDERATION_GRPC_URL: `127.0.0.1:${federation.grpcPort}`,
      AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`,
      CUSTOMER_HASH_KEY: 'e2e-customer-hash-key-0123456789abcdef',
    });
    started.push(scheduler);
    const gatewayEnv = {
      FEDERATION_GRPC_URL: `127.0.0.1:${federation.grpcPort}`,
      SCHEDULER_GRPC_URL: `127.0.0.1:${scheduler.grpcPort}`,
      MINING_GRPC_URL: `127.0.0.1:${mining.grpcPort}`,
      PRIVACY_GRPC_URL: `127.0.0.1:${privacy.grpcPort}`,
      AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`,
      INGESTION_GRPC_URL: ingestionUrl,
      INSIGHTS_GRPC_URL: `127.0.0.1:${insights.grpcPort}`,
      INSIGHTS_HUB_GRPC_URL: `127.0.0.1:${insights.grpcPort}`,
      JWT_VERIFY_KEYS: keys.verifyKeys,
      REDIS_URL,
      RATE_LIMIT_PREFIX: `e2e:${schema}`,
      ...options.gatewayEnv,
    };
    const gateways: ServiceProcess[] = [];
    for (let i = 0; i < (options.gateways ?? 1); i++) {
      const gateway = await startServiceProcess('gateway', gatewayEnv, { grpc: false });
      gateways.push(gateway);
      started.push(gateway);
    }

    const adminEmail = `${schema}-admin@e2e.example`;
    const created = await runCli(['admin', 'create-user', '--role', 'admin', '--email', adminEmail, '--schema', schema], { DATABASE_URL });
    const password = /password \(shown once[^)]*\): (\S+)/.exec(created.stdout)?.[1];
    if (created.code !== 0 || !password) throw new Error(`tessera admin create-user failed (${created.code}): ${created.stdout}${created.stderr}`);

    const login = async (email: string, userPassword: string, gateway = 0): Promise<Session> => {
      const answer = await http(gateways[gateway].httpPort, 'POST', '/api/auth/login', { json: { email, password: userPassword } });
      if (answer.status !== 200) throw new Error(`login ${email}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return { token: answer.body.token, refreshToken: answer.body.refreshToken, user: answer.body.user };
    };
    const adminSession = await login(adminEmail, password);
    return {
      schema,
      keys,
      auth,
      ingestion: ingestion!,
      insights,
      gateways,
      federation,
      nodeTls,
      port: gateways[0].httpPort,
      admin: { email: adminEmail, password, session: adminSession },
      login,
      mint(claims, mintOptions = {}) {
        return jwt.sign(claims, createPrivateKey(keys.privateKey.export({ format: 'pem', type: 'pkcs8' })), {
          algorithm: 'ES256',
          keyid: mintOptions.kid ?? keys.kid,
          issuer: 'tessera-auth',
          audience: 'tessera-api',
          jwtid: randomUUID(),
          noTimestamp: 'iat' in claims,
        });
      },
      async close() {
        await stop();
        const pool = new Pool({ connectionString: DATABASE_URL, max: 1 });
        for (const owned of [schema, `${schema}_mining`, `${schema}_privacy`, `${schema}_federation`, `${schema}_insights`, `${schema}_scheduler`, `${schema}_boss`]) await pool.query(`DROP SCHEMA IF EXISTS "${owned}" CASCADE`).catch(() => undefined);
        await pool.end();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Creates a user through the gateway as the stack's admin and signs them in. */
export async function createAndLogin(stack: AuthStack, user: { role: string; storeId?: string; regionId?: string; email?: string }): Promise<Session & { password: string }> {
  const email = user.email ?? `${uniqueId(user.role.replace('_', '-'))}@e2e.example`;
  const created = await http(stack.port, 'POST', '/api/users', { token: stack.admin.session.token, json: { email, role: user.role, storeId: user.storeId, regionId: user.regionId } });
  if (created.status !== 201) throw new Error(`create ${email}: ${created.status} ${JSON.stringify(created.body)}`);
  return { ...(await stack.login(email, created.body.password)), password: created.body.password };
}
