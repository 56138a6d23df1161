import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import { NestJsonLogger, type Logger } from '../logging/logger';
import { ServiceMetrics } from '../metrics/metrics';

export interface GrpcBinding {
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
}

export interface BootOptions {
  name: string;
  module: Type<unknown> | DynamicModule;
  logger: Logger;
  http: { host: string; port: number };
  grpc?: { host: string; port: number; bindings: (app: INestApplication) => GrpcBinding[] };
  /** Extra express setup (security headers, body limits) before routes are served. */
  configure?: (app: INestApplication) => void | Promise<void>;
}

export interface RunningService {
  name: string;
  app: INestApplication;
  httpPort: number;
  grpcPort?: number;
  close(): Promise<void>;
}

/**
 * Boots one service: the NestJS HTTP app (health, metrics, and its own routes) plus,
 * when the service has one, its gRPC server. Works the same on its own and inside the
 * all-in-one process, where several services share one Node process.
 */
export async function bootService(options: BootOptions): Promise<RunningService> {
  const app = await NestFactory.create(options.module, { logger: new NestJsonLogger(options.logger), abortOnError: false });
  const metrics = app.get(ServiceMetrics, { strict: false });
  app.use(metrics.httpMiddleware());
  await options.configure?.(app);
  await app.listen(options.http.port, options.http.host);
  const address = app.getHttpServer().address();
  const httpPort = typeof address === 'object' && address ? address.port : options.http.port;

  let grpcServer: grpc.Server | undefined;
  let grpcPort: number | undefined;
  if (options.grpc) {
    grpcServer = new grpc.Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024 });
    for (const binding of options.grpc.bindings(app)) grpcServer.addService(binding.definition, binding.implementation);
    const { host, port } = options.grpc;
    grpcPort = await new Promise<number>((resolve, reject) =>
      grpcServer!.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) => (error ? reject(error) : resolve(boundPort))),
    );
  }
  options.logger.info({ httpPort, grpcPort }, `${options.name} service listening`);

  return {
    name: options.name,
    app,
    httpPort,
    grpcPort,
    async close() {
      if (grpcServer) await new Promise<void>((resolve) => grpcServer!.tryShutdown(() => resolve()));
      await app.close();
    },
  };
}
