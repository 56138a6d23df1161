import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createUser, deleteUser, fetchRegions, fetchUsers, type User } from '../api/admin.api';
import { fetchStores } from '../api/stores.api';
import { ROLE_LABELS } from '../api/auth.api';
import type { Role } from '../api/session-store';
import { useSession } from '../auth/session-context';
import { DataTable } from '../components/data-table';
import { formatTime } from '../components/format';
import { ErrorNotice, Loading, Notice } from '../components/status-notice';

export function UsersPage() {
  const queries = useQueryClient();
  const { session } = useSession();
  const users = useQuery({ queryKey: ['users'], queryFn: fetchUsers });
  const stores = useQuery({ queryKey: ['stores'], queryFn: fetchStores });
  const regions = useQuery({ queryKey: ['regions'], queryFn: fetchRegions });
  const [form, setForm] = useState<{ email: string; role: Role; storeId: string; regionId: string }>({ email: '', role: 'store_manager', storeId: '', regionId: '' });
  const create = useMutation({
    mutationFn: () => createUser({ email: form.email, role: form.role, storeId: form.role === 'store_manager' ? form.storeId : undefined, regionId: form.role === 'regional_coordinator' ? form.regionId : undefined }),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['users'] }),
  });
  const remove = useMutation({ mutationFn: deleteUser, onSuccess: () => queries.invalidateQueries({ queryKey: ['users'] }) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <>
      <h1>Users</h1>
      <ErrorNotice error={users.error} what="the users" />
      {users.isLoading && <Loading what="the users" />}
      {users.data && (
        <DataTable<User>
          caption={`Accounts (${users.data.users.length})`}
          columns={[
            { key: 'email', header: 'Email', cell: (u) => u.email },
            { key: 'role', header: 'Role', cell: (u) => ROLE_LABELS[u.role] ?? u.role },
            { key: 'scope', header: 'Store or region', cell: (u) => u.storeId ?? u.regionId ?? 'all' },
            { key: 'created', header: 'Created', cell: (u) => formatTime(u.createdAt) },
            {
              key: 'actions',
              header: 'Actions',
              cell: (u) =>
                u.id === session!.user.id ? (
                  <span className="muted">you</span>
                ) : (
                  <button type="button" className="danger" onClick={() => window.confirm(`Delete ${u.email}? Their sessions end now.`) && remove.mutate(u.id)} aria-label={`Delete ${u.email}`}>
                    Delete
                  </button>
                ),
            },
          ]}
          rows={users.data.users}
          rowKey={(u) => u.id}
        />
      )}
      <ErrorNotice error={remove.error} what="deleting the user" />
      <h2>Create an account</h2>
      <form onSubmit={submit} className="form-row">
        <div>
          <label htmlFor="new-email">Email</label>
          <input id="new-email" type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </div>
        <div>
          <label htmlFor="new-role">Role</label>
          <select id="new-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {(Object.keys(ROLE_LABELS) as Role[]).map((role) => (
              <option key={role} value={role}>
                {ROLE_LABELS[role]}
              </option>
            ))}
          </select>
        </div>
        {form.role === 'store_manager' && (
          <div>
            <label htmlFor="new-store">Their store</label>
            <select id="new-store" required value={form.storeId} onChange={(e) => setForm({ ...form, storeId: e.target.value })}>
              <option value="">choose…</option>
              {stores.data?.stores.map((s) => (
                <option key={s.storeId} value={s.storeId}>
                  {s.storeId}
                </option>
              ))}
            </select>
          </div>
        )}
        {form.role === 'regional_coordinator' && (
          <div>
            <label htmlFor="new-region">Their region</label>
            <select id="new-region" required value={form.regionId} onChange={(e) => setForm({ ...form, regionId: e.target.value })}>
              <option value="">choose…</option>
              {regions.data?.regions.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <button type="submit" className="primary" disabled={create.isPending}>
          Create
        </button>
      </form>
      <ErrorNotice error={create.error} what="the account" />
      {create.data?.password && (
        <Notice kind="warning">
          Password for {create.data.user.email}: <code>{create.data.password}</code> — give it to them now; it is shown only once.
        </Notice>
      )}
    </>
  );
}
