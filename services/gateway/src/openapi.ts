import { writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { createLogger } from '@tessera/common';
import { CoreModule } from '@tessera/nest-core';
import { gatewayRoleConfigs, type GatewayRole } from './gateway.config';
import { GatewayModule } from './gateway.module';

const ROLE_NOTE: Record<GatewayRole, string> = {
  hub: 'This is the hub gateway (GATEWAY_ROLE=hub): sign-in, accounts, regions, stores, rounds, global results, consortium insights, the hub\'s schedules and audit; no route reaches a store\'s raw data.\n\n',
  'store-node': "This is a store node's gateway (GATEWAY_ROLE=store-node): the store's uploads, transactions, mining, privacy, API keys, POS events, own insights, the node's schedules and erasure requests; sign-in and the global results are fetched from the hub.\n\n",
  all: 'This is the all-in-one gateway (GATEWAY_ROLE=all, development and hosted single-process installs): every hub and store-node route in one process.\n\n',
};

export function buildOpenApi(app: INestApplication, role: GatewayRole = 'all'): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tessera API')
    .setDescription(
      ROLE_NOTE[role] +
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

/** The roles with a document of their own: docs/openapi.<role>.json. */
export const OPENAPI_ROLES: GatewayRole[] = ['hub', 'store-node', 'all'];

/** Builds a role's OpenAPI document from its controllers, without serving or connecting to anything (init is skipped: no hub is fetched). */
export async function generateOpenApiDocument(role: GatewayRole = 'all'): Promise<OpenAPIObject> {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const config = gatewayRoleConfigs[role].load({
    GATEWAY_ROLE: role,
    JWT_VERIFY_KEYS: JSON.stringify([{ ...publicKey.export({ format: 'jwk' }), kid: 'openapi' }]),
    HUB_URL: 'http://127.0.0.1:1',
    NODE_STORE_IDS: 'openapi',
    NODE_TLS_MODE: 'plaintext',
    RATE_LIMIT_DRIVER: 'memory',
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create(
    { module: class OpenApiModule {}, imports: [CoreModule.forService({ name: 'gateway-openapi', config, logger: createLogger('gateway-openapi', 'silent') }), GatewayModule.forRole(role)] },
    { logger: false, abortOnError: false },
  );
  try {
    return buildOpenApi(app, role);
  } finally {
    await app.close();
  }
}

export function openApiJson(document: OpenAPIObject): string {
  return JSON.stringify(document, null, 2) + '\n';
}

export async function writeOpenApiDocument(path: string, role: GatewayRole = 'all'): Promise<void> {
  writeFileSync(path, openApiJson(await generateOpenApiDocument(role)));
}
