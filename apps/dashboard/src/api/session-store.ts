// The signed-in session: tokens and user, kept in sessionStorage (one tab, gone when it
// closes) and refreshed silently a minute before the access token expires and on a 401.

export type Role = 'store_manager' | 'regional_coordinator' | 'admin';

export interface SessionUser {
  id: string;
  email: string;
  role: Role;
  storeId: string | null;
  regionId: string | null;
}

export interface Session {
  token: string;
  refreshToken: string;
  user: SessionUser;
  /** Access token expiry, epoch ms (from its exp claim). */
  expiresAt: number;
}

const KEY = 'tessera.session';
type Listener = (session: Session | null, reason?: string) => void;
const listeners = new Set<Listener>();
let current: Session | null = load();
let refreshing: Promise<Session | null> | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

/** exp claim of a JWT in epoch ms; 15 minutes from now when it cannot be read. */
export function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    if (typeof payload.exp === 'number') return payload.exp * 1000;
  } catch {
    /* fall through */
  }
  return Date.now() + 15 * 60_000;
}

export function getSession(): Session | null {
  return current;
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function schedule() {
  clearTimeout(timer);
  if (!current) return;
  const wait = Math.max(5_000, current.expiresAt - Date.now() - 60_000);
  timer = setTimeout(() => void refreshSession(), wait);
}

export function setSession(session: Session | null, reason?: string) {
  current = session;
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
  schedule();
  for (const listener of listeners) listener(session, reason);
}

interface TokenAnswer {
  token: string;
  refreshToken: string;
  user: SessionUser;
}

export function sessionFromTokens(answer: TokenAnswer): Session {
  const { id, email, role, storeId, regionId } = answer.user;
  return { token: answer.token, refreshToken: answer.refreshToken, user: { id, email, role, storeId: storeId ?? null, regionId: regionId ?? null }, expiresAt: expiryOf(answer.token) };
}

/** One refresh at a time: the refresh token is single-use, so two parallel refreshes would end the sign-in. */
export function refreshSession(): Promise<Session | null> {
  if (refreshing) return refreshing;
  const session = current;
  if (!session) return Promise.resolve(null);
  refreshing = fetch('/api/auth/refresh', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken: session.refreshToken }) })
    .then(async (response) => {
      if (!response.ok) {
        setSession(null, 'Your session ended; please sign in again.');
        return null;
      }
      const next = sessionFromTokens((await response.json()) as TokenAnswer);
      setSession(next);
      return next;
    })
    .catch(() => session)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

schedule();
