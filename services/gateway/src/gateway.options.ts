import type { VerifyKeySet } from './access/verify-keys';

export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');

export interface GatewayOptions {
  maxUploadBytes: number;
  /** maxLifetimeSeconds: longest exp - iat accepted (tokens without exp are refused). */
  jwt: { keys: VerifyKeySet; issuer: string; audience: string; maxLifetimeSeconds?: number };
  principalCacheTtlMs: number;
  rateLimits: { perUser: number; perApiKey: number };
  /** Empty: /metrics is open (scraped inside the cluster). */
  metricsToken: string;
}
