export * from './config/define-config';
export * from './config/common-variables';
export * from './logging/logger';
export * from './metrics/metrics';
export * from './telemetry/telemetry';
export * from './service/running-service';
export * from './service/grpc-util';
export * from './tls/node-tls';
