import { Inject, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Bus } from '@tessera/bus';
import { ServiceMetrics, type Logger } from '@tessera/common';
import { BUS, LOGGER, SERVICE_CONFIG } from '@tessera/nest-core';
import type { FederationConfig } from './federation.config';
import { FederationRepository } from './repositories/federation.repository';
import { NodeRegistry } from './rounds/node-registry';
import { RoundOrchestrator } from './rounds/round-orchestrator';
import { PublishedStatistics } from './rounds/published-statistics.service';
import { FederationGrpcController, FederationNodeGrpcController } from './grpc/federation.grpc';
import { RoundRetentionController } from './retention/round-retention.controller';
import { RoundRetentionRepository } from './retention/round-retention.repository';

/** The hub's federation: enrolment, rounds, global patterns (coordinator API) and the node stream endpoint. */
@Module({
  controllers: [FederationGrpcController, FederationNodeGrpcController, RoundRetentionController],
  providers: [
    FederationRepository,
    RoundRetentionRepository,
    { provide: PublishedStatistics, inject: [FederationRepository], useFactory: (repository: FederationRepository) => new PublishedStatistics(repository) },
    {
      provide: NodeRegistry,
      inject: [FederationRepository, LOGGER, SERVICE_CONFIG],
      useFactory: (repository: FederationRepository, logger: Logger, config: FederationConfig) =>
        new NodeRegistry((storeId) => repository.identityKey(storeId), logger, { requireStoreCertificate: config.NODE_TLS_MODE === 'mtls' }),
    },
    {
      provide: RoundOrchestrator,
      inject: [FederationRepository, NodeRegistry, { token: BUS, optional: true }, LOGGER, ServiceMetrics, SERVICE_CONFIG],
      useFactory: (repository: FederationRepository, registry: NodeRegistry, bus: Bus | undefined, logger: Logger, metrics: ServiceMetrics, config: FederationConfig) =>
        new RoundOrchestrator(repository, registry, bus, logger, metrics, config.ROUNDS_TOPIC),
    },
  ],
})
export class FederationModule implements OnModuleInit, OnModuleDestroy {
  constructor(
    private readonly repository: FederationRepository,
    private readonly registry: NodeRegistry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit() {
    const interrupted = await this.repository.failInterrupted();
    if (interrupted) this.logger.warn({ interrupted }, 'rounds interrupted by the previous stop were marked failed');
  }

  /** Ends every node stream, so the node server's graceful shutdown does not wait on them. */
  onModuleDestroy() {
    this.registry.closeAll();
  }
}
