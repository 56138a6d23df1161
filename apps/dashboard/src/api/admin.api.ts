import { api } from './http-client';
import type { Role } from './session-store';

export interface User {
  id: string;
  email: string;
  role: Role;
  storeId: string | null;
  regionId: string | null;
  createdAt: string;
}
export interface Region {
  id: string;
  name: string;
  storeIds: string[];
  createdAt: string;
}
export interface ApiKey {
  id: string;
  name: string;
  storeId: string;
  prefix: string;
  createdAt: string;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}
export interface AuditEvent {
  id: string;
  occurredAt: string;
  actor: { type: string; id: string | null; email?: string | null; role?: string | null; storeId?: string | null };
  action: string;
  outcome: string;
  targetType?: string | null;
  targetId?: string | null;
  storeId: string | null;
  reason: string | null;
  ip: string | null;
  requestId: string | null;
}
export interface AuditFilter {
  action?: string;
  actorId?: string;
  storeId?: string;
  outcome?: string;
  since?: string;
  until?: string;
  limit?: number;
  offset?: number;
}

export const fetchUsers = () => api<{ users: User[] }>('/api/users');
export const createUser = (body: { email: string; role: Role; storeId?: string; regionId?: string }) => api<{ user: User; password?: string }>('/api/users', { method: 'POST', json: body });
export const deleteUser = (id: string) => api(`/api/users/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const fetchRegions = () => api<{ regions: Region[] }>('/api/regions');
export const createRegion = (body: { id: string; name: string }) => api('/api/regions', { method: 'POST', json: body });
export const fetchApiKeys = (storeId: string) => api<{ apiKeys: ApiKey[] }>('/api/api-keys', { query: { storeId } });
export const createApiKey = (body: { storeId: string; name: string }) => api<{ apiKey: ApiKey; key: string; note?: string }>('/api/api-keys', { method: 'POST', json: body });
export const revokeApiKey = (id: string) => api(`/api/api-keys/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const fetchAudit = (filter: AuditFilter) => api<{ events: AuditEvent[]; total: number }>('/api/audit', { query: { ...filter } });
