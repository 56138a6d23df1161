import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKey, parseSigningKeys, publicKeysJson } from './tokens/signing-keys';

/**
 * Signing keys for the all-in-one `tessera start`: made once, kept in the state directory
 * (mode 0600, out of git) so tokens survive a restart. Production takes them from
 * configuration (JWT_SIGNING_KEYS for auth, JWT_VERIFY_KEYS for the gateway).
 */
export function embeddedAuthEnv(stateDir: string): { JWT_SIGNING_KEYS: string; JWT_VERIFY_KEYS: string } {
  const file = join(stateDir, 'jwt-signing-keys.json');
  if (!existsSync(file)) writeFileSync(file, JSON.stringify([generateSigningKey()]), { mode: 0o600 });
  const signing = readFileSync(file, 'utf8').trim();
  return { JWT_SIGNING_KEYS: signing, JWT_VERIFY_KEYS: publicKeysJson(parseSigningKeys(signing)) };
}
