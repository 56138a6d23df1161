import type * as grpc from '@grpc/grpc-js';
import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { SERVICE_CONFIG } from '../tokens';

/**
 * A gRPC client (a ts-proto `XServiceClient`) as a provider made from the service's config,
 * closed when the app shuts down:
 *
 *   grpcClientProvider(INGESTION_CLIENT, (config: MiningConfig) =>
 *     new ingestionV1.IngestionServiceClient(config.INGESTION_GRPC_URL, grpc.credentials.createInsecure()))
 */
export function grpcClientProvider<C, T extends Pick<grpc.Client, 'close'>>(provide: InjectionToken, create: (config: C) => T): FactoryProvider<T> {
  return {
    provide,
    inject: [SERVICE_CONFIG],
    useFactory: (config: C) => {
      const client = create(config);
      // Nest calls lifecycle hooks on whatever a factory returned.
      return Object.assign(client, { onApplicationShutdown: () => client.close() });
    },
  };
}
