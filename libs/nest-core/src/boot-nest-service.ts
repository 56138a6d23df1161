import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestJsonLogger, ServiceMetrics, type Logger, type RunningService } from '@tessera/common';
import type { Bus } from '@tessera/bus';
import { CoreModule, type CoreConfig, type CoreOptions } from './core.module';
import { connectGrpcServer, type GrpcServerOptions } from './grpc/grpc-server';
import { connectBusTransport } from './bus/bus-transport';
import { BUS, LOGGER } from './tokens';

export interface NestServiceOptions<C extends CoreConfig & { HTTP_HOST: string; HTTP_PORT: number }> {
  /** What CoreModule.forService gets: name, validated config, database, bus. */
  core: CoreOptions<C>;
  /** The service's own module: its controllers, providers and imports. */
  module: Type<unknown> | DynamicModule;
  /** gRPC servers, each on its own port (federation has two); empty for HTTP-only services. */
  grpc?: GrpcServerOptions[];
  /** Express setup (security headers, body limits) before routes are served. */
  configure?: (app: INestApplication) => void | Promise<void>;
}

export interface NestService extends RunningService {
  /** Every gRPC server's bound port, in the order of `grpc`; `grpcPort` is the first. */
  grpcPorts: number[];
}

/**
 * Boots one service as a Nest application: the core module (config, logger, metrics,
 * telemetry, database, bus, health) and the service's module, its gRPC servers and its bus
 * handlers as microservices of one hybrid app, HTTP last. `close()` is `app.close()`: Nest
 * runs `onModuleDestroy` (stop your work there), stops the servers and the bus subscriptions
 * (in-flight batches finish and commit), then `onApplicationShutdown` (the core closes the
 * bus it opened and the database).
 *
 * Signals: the CLI (`tessera serve`, `tessera start`) owns SIGTERM/SIGINT and closes the apps
 * of a process in reverse start order, so Nest's `enableShutdownHooks` (one listener per app,
 * re-raising the signal) is left off unless `shutdownHooks` is asked for by a process with one app.
 */
export async function bootNestService<C extends CoreConfig & { HTTP_HOST: string; HTTP_PORT: number }>(
  options: NestServiceOptions<C> & { shutdownHooks?: boolean },
): Promise<NestService> {
  const { core } = options;
  @Module({ imports: [CoreModule.forService(core), options.module] })
  class ServiceRootModule {}
  Object.defineProperty(ServiceRootModule, 'name', { value: `${core.name[0].toUpperCase()}${core.name.slice(1)}RootModule` });

  const app = await NestFactory.create(ServiceRootModule, { bufferLogs: true, abortOnError: false });
  try {
    const logger = app.get<Logger>(LOGGER);
    app.useLogger(new NestJsonLogger(logger));
    app.flushLogs();
    if (options.shutdownHooks) app.enableShutdownHooks();
    app.use(app.get(ServiceMetrics).httpMiddleware());
    await options.configure?.(app);

    const grpcServers = (options.grpc ?? []).map((grpc) => connectGrpcServer(app, grpc));
    connectBusTransport(app, core.useBus ? app.get<Bus>(BUS) : undefined, core.config, logger);
    await app.startAllMicroservices();
    await app.listen(core.config.HTTP_PORT, core.config.HTTP_HOST);

    const address = app.getHttpServer().address();
    const httpPort = typeof address === 'object' && address ? address.port : core.config.HTTP_PORT;
    const grpcPorts = grpcServers.map((server) => server.boundPort!);
    logger.info({ httpPort, grpcPorts }, `${core.name} service listening`);
    return { name: core.name, app, httpPort, grpcPort: grpcPorts[0], grpcPorts, close: () => app.close() };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
}
