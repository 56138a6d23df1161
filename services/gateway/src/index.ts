export { startGatewayService, buildOpenApi, type GatewayService } from './main';
export { gatewayConfig, gatewayHubConfig, gatewayStoreNodeConfig, gatewayRoleConfigs, loadGatewayConfig, GATEWAY_ROLES, type GatewayRole } from './gateway.config';
export { generateOpenApiDocument, openApiJson, writeOpenApiDocument, OPENAPI_ROLES } from './openapi';
export { routeTable, type RouteEntry } from './access/route-table';
export { ALL_GATEWAY_CONTROLLERS, gatewayControllers } from './gateway.module';
export { declareObservabilityAccess } from './access/observability-access';
export type { AccessPolicy, Role, StoreSource } from './access/access-policy';
