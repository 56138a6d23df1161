export * from './config/define-config';
export * from './config/common-variables';
export * from './logging/logger';
export * from './metrics/metrics';
export * from './health/health';
export * from './telemetry/telemetry';
export * from './service/boot-service';
export * from './service/grpc-util';
