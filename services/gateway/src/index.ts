export { startGatewayService, buildOpenApi } from './main';
export { gatewayConfig } from './gateway.config';
