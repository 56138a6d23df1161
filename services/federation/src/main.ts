import type { Bus } from '@tessera/bus';
import { loadNodeTls, nodeServerCredentials, type Logger } from '@tessera/common';
import { LOGGER, bootNestService, type NestService } from '@tessera/nest-core';
import { federationV1 } from '@tessera/proto';
import { federationConfig } from './federation.config';
import { federationMigrations } from './migrations';
import { NodeRegistry } from './rounds/node-registry';
import { RoundOrchestrator } from './rounds/round-orchestrator';
import { FederationModule } from './federation.module';

export const FEDERATION_SCHEMA = 'federation';

export interface FederationService extends NestService {
  orchestrator: RoundOrchestrator;
  registry: NodeRegistry;
  nodePort: number;
}

/** Boots the hub's federation service: enrolment, rounds, global patterns, and the node stream endpoint. */
export async function startFederationService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus; schema?: string } = {}): Promise<FederationService> {
  const config = federationConfig.load(env);
  const nodeTls = loadNodeTls('federation', config);
  const running = await bootNestService({
    core: { name: 'federation', config, database: { schema: deps.schema ?? config.DATABASE_SCHEMA ?? FEDERATION_SCHEMA, migrations: federationMigrations }, useBus: true, bus: deps.bus },
    module: FederationModule,
    grpc: [
      { host: config.HTTP_HOST, port: config.GRPC_PORT, services: [federationV1.FederationServiceService] },
      // Store nodes dial a port of their own, so the coordinator API is never exposed to them.
      { host: config.HTTP_HOST, port: config.NODE_GRPC_PORT, services: [federationV1.FederationNodeServiceService], maxReceiveMessageLength: 64 * 1024 * 1024, channelOptions: { 'grpc.keepalive_time_ms': 10_000 }, credentials: nodeServerCredentials(nodeTls) },
    ],
  });
  const nodePort = running.grpcPorts[1];
  running.app.get<Logger>(LOGGER).info({ nodePort, tls: config.NODE_TLS_MODE }, config.NODE_TLS_MODE === 'mtls' ? 'store nodes dial in on this port (mTLS: client certificates from the consortium CA, bound to their store)' : 'store nodes dial in on this port IN PLAINTEXT (NODE_TLS_MODE=plaintext: local development only)');
  return { ...running, orchestrator: running.app.get(RoundOrchestrator), registry: running.app.get(NodeRegistry), nodePort };
}
