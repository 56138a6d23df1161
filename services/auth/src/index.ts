export * from './main';
export * from './auth.config';
export { openAuthAdmin, DEMO_REGION_ID, type AuthAdmin, type DemoAccount } from './admin';
export { generateSigningKey, parseSigningKeys, publicKeysJson, type SigningKeySet } from './tokens/signing-keys';
export { ROLES, type Role } from './auth.model';
export { embeddedAuthEnv } from './embedded';
