import { api } from './http-client';
import { getSession, sessionFromTokens, setSession, type Role, type SessionUser } from './session-store';

export interface Me {
  user: SessionUser & { store: { id: string; name: string; regionId: string | null } | null };
  storeIds: string[];
  allStores: boolean;
}

export async function signIn(email: string, password: string) {
  const answer = await api<{ token: string; refreshToken: string; user: SessionUser }>('/api/auth/login', { method: 'POST', json: { email, password } });
  setSession(sessionFromTokens(answer));
}

export async function signOut() {
  const session = getSession();
  if (session) await api('/api/auth/logout', { method: 'POST', json: { refreshToken: session.refreshToken } }).catch(() => undefined);
  setSession(null, 'You signed out.');
}

export const fetchMe = () => api<Me>('/api/auth/me');

export const ROLE_LABELS: Record<Role, string> = { store_manager: 'Store manager', regional_coordinator: 'Regional coordinator', admin: 'Admin' };
