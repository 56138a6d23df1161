import { Module } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { bootService, ObservabilityModule, type RunningService } from '@tessera/common';
import { openServiceResources } from '@tessera/service-kit';
import type { Bus } from '@tessera/bus';
import { federationConfig } from './federation.config';
import { federationMigrations } from './migrations';
import { FederationRepository } from './repositories/federation.repository';
import { NodeRegistry } from './rounds/node-registry';
import { RoundOrchestrator } from './rounds/round-orchestrator';
import { federationGrpcBindings } from './grpc/federation.grpc';
import { PublishedStatistics } from './rounds/published-statistics.service';

export const FEDERATION_SCHEMA = 'federation';

@Module({})
class FederationHttpModule {}

export interface FederationService extends RunningService {
  orchestrator: RoundOrchestrator;
  registry: NodeRegistry;
  nodePort: number;
}

/** Boots the hub's federation service: enrolment, rounds, global patterns, and the node stream endpoint. */
export async function startFederationService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus; schema?: string } = {}): Promise<FederationService> {
  const config = federationConfig.load(env);
  const resources = await openServiceResources({ name: 'federation', config, database: { schema: deps.schema ?? config.DATABASE_SCHEMA ?? FEDERATION_SCHEMA, migrations: federationMigrations }, useBus: true, bus: deps.bus });
  const { logger, metrics } = resources;
  const repository = new FederationRepository(resources.dataSource!);
  const interrupted = await repository.failInterrupted();
  if (interrupted) logger.warn({ interrupted }, 'rounds interrupted by the previous stop were marked failed');
  const registry = new NodeRegistry((storeId) => repository.identityKey(storeId), logger);
  const orchestrator = new RoundOrchestrator(repository, registry, resources.bus, logger, metrics, config.ROUNDS_TOPIC);
  const statistics = new PublishedStatistics(repository);
  const bindings = federationGrpcBindings(repository, orchestrator, registry, config.DEFAULT_STAGE_TIMEOUT_SECONDS, statistics);
  // Store nodes dial a port of their own, so the coordinator API is never exposed to them.
  const nodeServer = new grpc.Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc.keepalive_time_ms': 10_000 });
  nodeServer.addService(bindings.nodes.definition, bindings.nodes.implementation);
  const nodePort = await new Promise<number>((resolve, reject) => nodeServer.bindAsync(`${config.HTTP_HOST}:${config.NODE_GRPC_PORT}`, grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))));
  const running = await bootService({
    name: 'federation',
    module: { module: FederationHttpModule, imports: [ObservabilityModule.forService(metrics, resources.healthChecks)] },
    logger,
    http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
    grpc: { host: config.HTTP_HOST, port: config.GRPC_PORT, bindings: () => [bindings.coordinator] },
  });
  logger.info({ nodePort }, 'store nodes dial in on this port');
  return {
    ...running,
    orchestrator,
    registry,
    nodePort,
    async close() {
      registry.closeAll();
      await new Promise<void>((resolve) => nodeServer.tryShutdown(() => resolve()));
      await running.close();
      await resources.close();
    },
  };
}
