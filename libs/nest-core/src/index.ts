/**
 * @tessera/nest-core: the Nest shape every service shares. `bootNestService({ core, module, grpc })`
 * boots a service; `CoreModule.forService` provides config, logger, metrics, telemetry, the
 * migrated DataSource, the bus and terminus health; `OnBusBatch` marks bus batch handlers;
 * gRPC handlers are `@GrpcMethod` / `@GrpcStreamMethod` / `@GrpcStreamCall` controller methods.
 */
export * from './tokens';
export * from './core.module';
export * from './boot-nest-service';
export * from './health/readiness-checks';
export * from './health/health.controller';
export * from './grpc/grpc-server';
export * from './bus/bus-transport';
