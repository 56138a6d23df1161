import type { Actor } from '../auth.model';

/**
 * What an actor may do to the auth service's own resources. The gateway's route policy is
 * the first gate; these rules are the second, enforced next to the data, and they are the
 * only gate for resources whose store is known only here (an API key being revoked).
 */

/** Admins and the operator's CLI. */
export function isAdministrator(actor: Actor): boolean {
  return actor.type === 'system' || (actor.type === 'user' && actor.role === 'admin');
}

/** Who may create, list and revoke a store's API keys: an administrator or that store's manager. */
export function mayManageStoreKeys(actor: Actor, storeId: string): boolean {
  if (isAdministrator(actor)) return true;
  return actor.type === 'user' && actor.role === 'store_manager' && actor.storeId === storeId;
}

export function denialReason(actor: Actor, what: string): string {
  if (actor.type === 'api_key') return `API keys may only send ingestion data; ${what} needs a signed-in user`;
  if (actor.type === 'anonymous') return `sign in to ${what}`;
  return `your role (${actor.role ?? 'none'}) may not ${what}`;
}
