export { startGatewayService, buildOpenApi } from './main';
export { gatewayConfig } from './gateway.config';
export { generateOpenApiDocument, openApiJson, writeOpenApiDocument } from './openapi';
export { routeTable, type RouteEntry } from './access/route-table';
export { ALL_GATEWAY_CONTROLLERS } from './gateway.module';
export { declareObservabilityAccess } from './access/observability-access';
export type { AccessPolicy, Role, StoreSource } from './access/access-policy';
