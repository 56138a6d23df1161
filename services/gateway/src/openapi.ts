import { writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { createLogger } from '@tessera/common';
import { CoreModule } from '@tessera/nest-core';
import { gatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tessera API')
    .setDescription(
      'Federated high-utility itemset mining for retail stores. Money is returned in currency units; it is stored as integer cents.\n\n' +
        'Sign in with POST /api/auth/login and send the token as `Authorization: Bearer <token>`. Store systems send ingestion data with an API key in `X-API-Key`. ' +
        'Each operation lists who may call it in `x-tessera-access` (roles, API key scope, where the store is named, and who audits it); see docs/security.md.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from POST /api/auth/login' })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A store API key (tsk_…): ingestion routes only, its own store only' }, 'apiKey')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  documentAccessAnswers(document);
  return document;
}

/** The answers the guard and the rate limits can give, on every operation they apply to. */
function documentAccessAnswers(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item) as { responses?: Record<string, unknown>; 'x-tessera-access'?: { public?: boolean } }[]) {
      if (!operation || typeof operation !== 'object' || !operation.responses) continue;
      const access = operation['x-tessera-access'];
      if (access && !access.public) {
        operation.responses['401'] ??= { description: 'No credentials, or an expired, tampered or revoked token or API key' };
        operation.responses['403'] ??= { description: "The caller's role, API key scope or store scope does not allow this" };
      }
      if (path.startsWith('/api/')) operation.responses['429'] ??= { description: 'A rate limit (per IP, user or API key) was reached; see Retry-After' };
    }
  }
}

/** Builds the OpenAPI document from the gateway's controllers, without serving or connecting to anything. */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const config = gatewayConfig.load({ JWT_VERIFY_KEYS: JSON.stringify([{ ...publicKey.export({ format: 'jwk' }), kid: 'openapi' }]), RATE_LIMIT_DRIVER: 'memory', LOG_LEVEL: 'silent' });
  const app = await NestFactory.create(
    { module: class OpenApiModule {}, imports: [CoreModule.forService({ name: 'gateway-openapi', config, logger: createLogger('gateway-openapi', 'silent') }), GatewayModule] },
    { logger: false, abortOnError: false },
  );
  try {
    return buildOpenApi(app);
  } finally {
    await app.close();
  }
}

export function openApiJson(document: OpenAPIObject): string {
  return JSON.stringify(document, null, 2) + '\n';
}

export async function writeOpenApiDocument(path: string): Promise<void> {
  writeFileSync(path, openApiJson(await generateOpenApiDocument()));
}
