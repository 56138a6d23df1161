import type { ReactNode } from 'react';
import { Navigate, useParams } from 'react-router-dom';
import type { Role } from '../api/session-store';
import { ROLE_LABELS } from '../api/auth.api';
import { reachesStore, useSession } from './session-context';
import { Loading } from '../components/status-notice';

/** Views a role cannot use say so instead of failing one call at a time. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { session } = useSession();
  if (!session) return <Navigate to="/sign-in" replace />;
  if (!roles.includes(session.user.role))
    return (
      <div className="notice notice-error" role="alert">
        <strong>Not allowed.</strong> This page is for {roles.map((r) => ROLE_LABELS[r].toLowerCase()).join(' or ')}s; you are signed in as {ROLE_LABELS[session.user.role].toLowerCase()}.
      </div>
    );
  return <>{children}</>;
}

/** Store pages of a store outside the user's scope show a clear refusal (the API refuses too: 403). */
export function RequireStore({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const { storeId = '' } = useParams();
  if (!me) return <Loading what="your account" />;
  if (!reachesStore(me, storeId))
    return (
      <div className="notice notice-error" role="alert">
        <strong>Not allowed.</strong> Store “{storeId}” is outside your account’s scope{me.storeIds.length ? ` (you reach: ${me.storeIds.join(', ')})` : ''}.
      </div>
    );
  return <>{children}</>;
}
