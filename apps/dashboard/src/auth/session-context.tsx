import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getSession, onSessionChange, type Session } from '../api/session-store';
import { fetchMe, type Me } from '../api/auth.api';

interface SessionState {
  session: Session | null;
  me: Me | undefined;
  /** Why the last session ended (signed out, refresh refused), shown on the sign-in page. */
  endReason: string | undefined;
}

const SessionContext = createContext<SessionState>({ session: null, me: undefined, endReason: undefined });

export function SessionProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const [session, setSession] = useState(getSession());
  const [endReason, setEndReason] = useState<string>();
  useEffect(
    () =>
      onSessionChange((next, reason) => {
        setSession(next);
        if (!next) {
          setEndReason(reason);
          queries.clear();
        }
      }),
    [queries],
  );
  const me = useQuery({ queryKey: ['me', session?.user.id], queryFn: fetchMe, enabled: !!session, staleTime: 60_000 });
  return <SessionContext.Provider value={{ session, me: me.data, endReason }}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);

/** Whether the signed-in user reaches a store (the API checks again on every call). */
export function reachesStore(me: Me | undefined, storeId: string): boolean {
  return !!me && (me.allStores || me.storeIds.includes(storeId));
}
