import type { Bus } from '@tessera/bus';
import { bootNestService, type NestService } from '@tessera/nest-core';
import { ingestionV1 } from '@tessera/proto';
import { ingestionConfig } from './ingestion.config';
import { ingestionMigrations } from './migrations';
import { IngestionModule } from './ingestion.module';
import { PosIngestService } from './pos-ingest.service';

export const INGESTION_SCHEMA = 'ingestion';

export interface IngestionService extends NestService {
  pos: PosIngestService;
}

/** Boots the store node's ingestion service: migrations, gRPC, the POS consumer, health and metrics. */
export async function startIngestionService(env: Record<string, string | undefined> = process.env, deps: { bus?: Bus; schema?: string } = {}): Promise<IngestionService> {
  const config = ingestionConfig.load(env);
  const running = await bootNestService({
    core: { name: 'ingestion', config, database: { schema: deps.schema ?? config.DATABASE_SCHEMA ?? INGESTION_SCHEMA, migrations: ingestionMigrations }, useBus: true, bus: deps.bus },
    module: IngestionModule,
    grpc: [{ host: config.HTTP_HOST, port: config.GRPC_PORT, services: [ingestionV1.IngestionServiceService] }],
  });
  return { ...running, pos: running.app.get(PosIngestService) };
}
