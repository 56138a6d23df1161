import type { AccessPolicy, Principal } from './access-policy';

/** What the guard decided, with the status and a message the caller can act on. */
export type AccessDecision = { allowed: true; storeId?: string } | { allowed: false; status: 400 | 401 | 403; message: string };

export interface RequestParts {
  query: Record<string, unknown>;
  body: unknown;
}

export function storeInScope(principal: Principal, storeId: string): boolean {
  if (principal.kind === 'apiKey') return principal.storeId === storeId;
  return principal.allStores || principal.storeIds.includes(storeId);
}

export function outOfScopeMessage(principal: Principal, storeId: string): string {
  if (principal.kind === 'apiKey') return `this API key is for store ${principal.storeId} only, not ${storeId}`;
  if (principal.role === 'store_manager') return `you manage store ${principal.storeId}; store ${storeId} is not yours`;
  return `store ${storeId} is not in your region${principal.regionId ? ` (${principal.regionId})` : ''}`;
}

function describeRoles(policy: AccessPolicy): string {
  const who = policy.roles.map((role) => role.replace('_', ' ')).join(', ');
  return policy.apiKey ? `${who} or a store API key` : who;
}

/**
 * Evaluates a route's policy for a caller, before the handler runs. Pure: the guard
 * supplies the principal (already authenticated) and the parsed query and body.
 */
export function evaluateAccess(policy: AccessPolicy, principal: Principal | undefined, request: RequestParts): AccessDecision {
  if (policy.public) return { allowed: true };
  if (!principal) return { allowed: false, status: 401, message: 'sign in first: send Authorization: Bearer <access token> (from POST /api/auth/login)' };

  if (principal.kind === 'apiKey') {
    if (!policy.apiKey) return { allowed: false, status: 403, message: 'API keys may only send ingestion data (transaction uploads and POS events); sign in as a user for this route' };
    if (!principal.scopes.includes(policy.apiKey)) return { allowed: false, status: 403, message: `this API key lacks the ${policy.apiKey} scope` };
  } else if (!policy.roles.includes(principal.role)) {
    return { allowed: false, status: 403, message: `this route is for ${describeRoles(policy)}; you are signed in as a ${principal.role.replace('_', ' ')}` };
  }

  const source = policy.store;
  if (source === 'none' || source === 'scope' || source === 'resource') return { allowed: true };
  const where = source === 'body.storeId' ? 'body' : 'query';
  const container = where === 'body' ? request.body : request.query;
  const value = container && typeof container === 'object' ? (container as Record<string, unknown>).storeId : undefined;
  if (value === undefined || value === '') {
    if (source === 'multipart.storeId') return { allowed: true }; // the form field is checked as it is read
    return { allowed: false, status: 400, message: `storeId is required in the ${where}` };
  }
  if (typeof value !== 'string') return { allowed: false, status: 400, message: `send storeId once, as a string, in the ${where}` };
  if (!storeInScope(principal, value)) return { allowed: false, status: 403, message: outOfScopeMessage(principal, value) };
  return { allowed: true, storeId: value };
}
