import { Module, type DynamicModule } from '@nestjs/common';
import { ObservabilityModule, type HealthCheck, type ServiceMetrics } from '@tessera/common';
import type { ingestionV1 } from '@tessera/proto';
import { INGESTION_CLIENT } from './clients/ingestion.client';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway.options';
import { FileUploadService } from './transactions/file-upload.service';
import { TransactionsService } from './transactions/transactions.service';
import { TransactionsController } from './transactions/transactions.controller';
import { StoresController } from './stores/stores.controller';

@Module({})
export class GatewayModule {
  static register(deps: { metrics: ServiceMetrics; healthChecks: HealthCheck[]; ingestion: ingestionV1.IngestionServiceClient; options: GatewayOptions }): DynamicModule {
    return {
      module: GatewayModule,
      imports: [ObservabilityModule.forService(deps.metrics, deps.healthChecks)],
      controllers: [TransactionsController, StoresController],
      providers: [
        { provide: INGESTION_CLIENT, useValue: deps.ingestion },
        { provide: GATEWAY_OPTIONS, useValue: deps.options },
        FileUploadService,
        TransactionsService,
      ],
    };
  }
}
