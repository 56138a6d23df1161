import type { VerifyKeySet } from './access/verify-keys';

export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');

export interface GatewayOptions {
  maxUploadBytes: number;
  jwt: { keys: VerifyKeySet; issuer: string; audience: string };
  principalCacheTtlMs: number;
  rateLimits: { perUser: number; perApiKey: number };
  /** Empty: /metrics is open (scraped inside the cluster). */
  metricsToken: string;
}
