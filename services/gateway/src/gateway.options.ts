export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');

export interface GatewayOptions {
  /** Store-node roles only (uploads); 0 elsewhere. */
  maxUploadBytes: number;
  /** maxLifetimeSeconds: longest exp - iat accepted (tokens without exp are refused). The keys come from VERIFY_KEYS (per role). */
  jwt: { issuer: string; audience: string; maxLifetimeSeconds?: number };
  principalCacheTtlMs: number;
  rateLimits: { perUser: number; perApiKey: number };
  /** Empty: /metrics is open (scraped inside the cluster). */
  metricsToken: string;
}
