/**
 * What may go into an audit row's details: a flat object of short, non-secret facts. Keys
 * that name secrets are dropped, values that look like credentials are dropped, nested
 * objects and arrays (where raw transactions could hide) are dropped, long strings are cut.
 */
const SECRET_KEY = /(password|passwd|secret|token|authorization|cookie|credential|^key$|apikey$|privatekey)/i;
const CREDENTIAL_VALUE = [/^tsk_/, /^tsr_/, /^eyJ[\w-]+\.[\w-]+\.[\w-]*$/, /^scrypt\$/, /^Bearer\s/i];
const MAX_KEYS = 20;
const MAX_STRING = 200;

export type AuditDetails = Record<string, string | number | boolean | null>;

export function sanitizeAuditDetails(details: Record<string, unknown> | undefined): AuditDetails {
  const clean: AuditDetails = {};
  if (!details || typeof details !== 'object' || Array.isArray(details)) return clean;
  for (const [key, value] of Object.entries(details)) {
    if (Object.keys(clean).length >= MAX_KEYS) break;
    if (SECRET_KEY.test(key)) continue;
    if (value === null || typeof value === 'boolean') clean[key] = value;
    else if (typeof value === 'number') {
      if (Number.isFinite(value)) clean[key] = value;
    } else if (typeof value === 'string') {
      if (CREDENTIAL_VALUE.some((pattern) => pattern.test(value))) continue;
      clean[key] = value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
    }
  }
  return clean;
}

/** Parses details sent over gRPC as JSON; anything that is not a JSON object becomes {}. */
export function parseAuditDetails(json: string): AuditDetails {
  if (!json) return {};
  try {
    return sanitizeAuditDetails(JSON.parse(json) as Record<string, unknown>);
  } catch {
    return {};
  }
}

const ACTION = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

export function isValidAction(action: string): boolean {
  return ACTION.test(action) && action.length <= 64;
}
