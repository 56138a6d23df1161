import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import * as grpc from '@grpc/grpc-js';
import { bootService, createLogger, ServiceMetrics, startTelemetry, type RunningService } from '@tessera/common';
import { gatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';
import { createIngestionClient } from './clients/ingestion.client';
import { requestIdMiddleware } from './http/request-id';

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tessera API')
    .setDescription('Federated high-utility itemset mining for retail stores. Money is returned in currency units; it is stored as integer cents.')
    .setVersion('0.1.0')
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Boots the hub's REST gateway: validation, security headers, OpenAPI at /api/docs. */
export async function startGatewayService(env: Record<string, string | undefined> = process.env): Promise<RunningService> {
  const config = gatewayConfig.load(env);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  startTelemetry('tessera-gateway', config.OTEL_EXPORTER, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const metrics = new ServiceMetrics('gateway');
  const ingestion = createIngestionClient(config.INGESTION_GRPC_URL);
  const healthChecks = [
    {
      name: 'ingestion',
      check: () =>
        new Promise<void>((resolve, reject) => {
          const state = ingestion.getChannel().getConnectivityState(true);
          if (state === grpc.connectivityState.READY) return resolve();
          ingestion.waitForReady(Date.now() + 1500, (error) => (error ? reject(new Error(`ingestion at ${config.INGESTION_GRPC_URL} is not reachable`)) : resolve()));
        }),
    },
  ];
  const corsOrigins = config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  const running = await bootService({
    name: 'gateway',
    module: GatewayModule.register({ metrics, healthChecks, ingestion, options: { maxUploadBytes: config.MAX_UPLOAD_BYTES } }),
    logger,
    http: { host: config.HTTP_HOST, port: config.HTTP_PORT },
    configure: (app) => {
      const express = app as NestExpressApplication;
      express.use(requestIdMiddleware);
      express.use(helmet({ contentSecurityPolicy: false }));
      express.useBodyParser('json', { limit: config.JSON_BODY_LIMIT });
      express.enableCors({ origin: corsOrigins.length ? corsOrigins : false });
      express.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }));
      SwaggerModule.setup('api/docs', app, buildOpenApi(app), { jsonDocumentUrl: 'api/docs/openapi.json' });
    },
  });
  return {
    ...running,
    async close() {
      await running.close();
      ingestion.close();
    },
  };
}
