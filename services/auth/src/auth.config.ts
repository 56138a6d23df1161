import { busVariables, databaseVariables, defineConfig, httpVariables, observabilityVariables, vars, type VariableSpec } from '@tessera/common';
import { parseSigningKeys, type SigningKeySet } from './tokens/signing-keys';

const signingKeys = (options: { description: string; default?: string; sensitive?: boolean }): VariableSpec<SigningKeySet> => ({ ...options, parse: parseSigningKeys });

/** Configuration of the auth service: users, roles, tokens, API keys and the audit log (hub). */
export const authConfig = defineConfig('auth', {
  ...observabilityVariables,
  ...httpVariables,
  ...databaseVariables,
  ...busVariables,
  HTTP_PORT: vars.port({ description: 'HTTP port for health and metrics', default: '8081' }),
  GRPC_PORT: vars.port({ description: 'gRPC port of the auth service (the gateway calls it)', default: '50051' }),
  JWT_SIGNING_KEYS: signingKeys({
    description:
      'JSON array of EC P-256 private JWKs, each with a "kid" (generate with `npx tessera admin signing-key`). The first key signs access tokens; the others are kept while tokens they signed are still valid',
    sensitive: true,
  }),
  JWT_ISSUER: vars.string({ description: 'iss claim of access tokens; the gateway checks it', default: 'tessera-auth' }),
  JWT_AUDIENCE: vars.string({ description: 'aud claim of access tokens; the gateway checks it', default: 'tessera-api' }),
  ACCESS_TOKEN_TTL_SECONDS: vars.integer({ description: 'Lifetime of an access token (JWT)', default: '900', min: 30, max: 3600 }),
  REFRESH_TOKEN_TTL_SECONDS: vars.integer({ description: 'Lifetime of one refresh token; each use rotates it', default: String(7 * 24 * 3600), min: 60, max: 90 * 24 * 3600 }),
  SESSION_MAX_SECONDS: vars.integer({ description: 'Longest a session (refresh-token family) lives before its user must sign in again', default: String(30 * 24 * 3600), min: 60, max: 365 * 24 * 3600 }),
  LOCKOUT_THRESHOLD: vars.integer({ description: 'Consecutive failed sign-ins for one email before it is locked', default: '5', min: 1, max: 100 }),
  LOCKOUT_BASE_SECONDS: vars.integer({ description: 'First lockout duration; each further failure doubles it', default: '30', min: 1, max: 3600 }),
  LOCKOUT_MAX_SECONDS: vars.integer({ description: 'Longest lockout', default: '900', min: 1, max: 86400 }),
  PASSWORD_MIN_LENGTH: vars.integer({ description: 'Shortest accepted password', default: '12', min: 8, max: 64 }),
  SCRYPT_COST: vars.integer({ description: 'scrypt N as a power of two (15 means N=32768, r=8, p=1)', default: '15', min: 14, max: 20 }),
  BOOTSTRAP_ADMIN_EMAIL: vars.string({ description: 'When set and no admin exists, an admin with this email is created at boot (with BOOTSTRAP_ADMIN_PASSWORD)', default: '' }),
  RETENTION_SWEEPS_ENABLED: vars.boolean({ description: 'Apply the scheduler\'s audit retention sweeps (retention.sweeps.v1, data class audit)', default: 'true' }),
  AUDIT_RETENTION_MIN_DAYS: vars.integer({ description: 'Floor under audit retention: a sweep never deletes audit events younger than this, whatever its cutoff', default: '90', min: 1 }),
  BOOTSTRAP_ADMIN_PASSWORD: vars.string({ description: 'Password of the bootstrap admin; must satisfy the password policy. There is no default password', sensitive: true, default: '' }),
});

export type AuthConfig = ReturnType<typeof authConfig.load>;
