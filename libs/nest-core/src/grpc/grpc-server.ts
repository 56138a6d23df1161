import * as grpc from '@grpc/grpc-js';
import { Catch, type ArgumentsHost, type INestApplication, type RpcExceptionFilter } from '@nestjs/common';
import { ServerGrpc, Transport, type GrpcOptions } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import { toServiceError } from '@tessera/common';
import { connectMicroserviceWithFilter } from './connect-microservice';

/** A ts-proto `outputServices=grpc-js` service definition (e.g. `miningV1.MiningServiceService`). */
export type ProtoServiceDefinition = grpc.ServiceDefinition;

export interface GrpcServerOptions {
  host: string;
  /** 0 picks a free port; the bound one is returned by `bootNestService` (`grpcPort`/`grpcPorts`). */
  port: number;
  /** The services this server answers, as ts-proto generated them from `proto/`. */
  services: ProtoServiceDefinition[];
  /** Default 16 MiB, as before the move to Nest. */
  maxReceiveMessageLength?: number;
  /** true (default): wait for in-flight calls on close; false: cancel them (long-lived streams). */
  gracefulShutdown?: boolean;
  /** Further grpc-js server options (keepalive for long-lived streams). */
  channelOptions?: grpc.ChannelOptions;
  /** Default insecure (service-internal ports); the hub's node port passes nodeServerCredentials (mTLS). */
  credentials?: grpc.ServerCredentials;
}

/** `/tessera.mining.v1.MiningService/StartJob` -> ['tessera.mining.v1', 'MiningService', 'StartJob']. */
function splitPath(path: string): [pkg: string, service: string, method: string] {
  const [, fullService, method] = path.split('/');
  const dot = fullService.lastIndexOf('.');
  return [fullService.slice(0, dot), fullService.slice(dot + 1), method];
}

/**
 * The package definition Nest's gRPC transport loads, made from the ts-proto stubs instead of
 * @grpc/proto-loader: requests and responses are encoded and decoded by the same generated
 * code the clients use, so oneofs keep their `{ $case, value }` shape and int64s stay strings
 * (docs/decisions/grpc-transport-with-ts-proto-definitions.md). Each method also gets its proto
 * name (`StartJob`) as `originalName`, so `@GrpcMethod('MiningService', 'StartJob')` and the
 * default `@GrpcMethod('MiningService')` on a `startJob` method both match.
 */
export function packageDefinitionOf(services: ProtoServiceDefinition[]): { packageDefinition: Record<string, grpc.ServiceDefinition>; packages: string[] } {
  const packageDefinition: Record<string, grpc.ServiceDefinition> = {};
  const packages = new Set<string>();
  for (const service of services) {
    const methods = Object.entries(service);
    if (methods.length === 0) throw new Error('a gRPC service definition without methods');
    const [pkg, name] = splitPath(methods[0][1].path);
    packages.add(pkg);
    packageDefinition[`${pkg}.${name}`] = Object.fromEntries(methods.map(([key, method]) => [key, { ...method, originalName: splitPath(method.path)[2] }])) as grpc.ServiceDefinition;
  }
  return { packageDefinition, packages: [...packages] };
}

/** Nest's gRPC server, remembering the port it bound (tests and the all-in-one runner ask for port 0). */
export class TesseraGrpcServer extends ServerGrpc {
  boundPort?: number;

  constructor(private readonly grpcOptions: GrpcOptions['options']) {
    super(grpcOptions);
  }

  override async createClient(): Promise<grpc.Server> {
    const server = new grpc.Server({ ...this.grpcOptions.channelOptions, 'grpc.max_receive_message_length': this.grpcOptions.maxReceiveMessageLength ?? 16 * 1024 * 1024 });
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(this.grpcOptions.url!, this.grpcOptions.credentials ?? grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    return server;
  }
}

/** Answers a failed call with the handler's GrpcError code (INVALID_ARGUMENT, NOT_FOUND...) and message; INTERNAL for anything else. */
@Catch()
export class GrpcErrorFilter implements RpcExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => toServiceError(exception));
  }
}

/**
 * Connects one gRPC server to the app: the controllers' `@GrpcMethod` / `@GrpcStreamMethod` /
 * `@GrpcStreamCall` handlers answer the given services. Started by `app.startAllMicroservices()`.
 */
export function connectGrpcServer(app: INestApplication, options: GrpcServerOptions): TesseraGrpcServer {
  const { packageDefinition, packages } = packageDefinitionOf(options.services);
  const strategy = new TesseraGrpcServer({
    url: `${options.host}:${options.port}`,
    package: packages,
    packageDefinition,
    maxReceiveMessageLength: options.maxReceiveMessageLength,
    gracefulShutdown: options.gracefulShutdown ?? true,
    channelOptions: options.channelOptions,
    credentials: options.credentials,
  } as GrpcOptions['options']);
  connectMicroserviceWithFilter(app, strategy, new GrpcErrorFilter());
  return strategy;
}

export { Transport };
